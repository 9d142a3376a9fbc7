/**
 * What a seller reads about one customer's score: the segment rule that holds, in words, and
 * the figures behind it. Pure; the rules themselves live in domain/value/segments.ts.
 */
import { AT_RISK_BELOW_P_ALIVE, LOST_BELOW_P_ALIVE, NEW_CUSTOMER_DAYS } from '../value/segments'
import type { CustomerScore, ValueModel } from '../../typings/value'
import type { ScoreExplanation } from '../../typings/customers'

const percent = (p: number) => `${Math.round(p * 100)}%`
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

/** Explains `score` (computed with `model`) by the segment rule that placed it, first match wins as in segments.ts. */
export function explainScore(score: CustomerScore, model: ValueModel): ScoreExplanation {
  const modelled = score.source !== 'rfm' && score.pAlive !== null
  const ageDays = Math.round(score.ageWeeks * 7)
  let segmentRule: string
  switch (score.segment) {
    case 'new':
      segmentRule = `首次购买在 ${ageDays} 天前，不超过 ${NEW_CUSTOMER_DAYS} 天，算新客户`
      break
    case 'lost':
      segmentRule = modelled
        ? `仍是活跃客户的概率 ${percent(score.pAlive!)} 低于 ${percent(LOST_BELOW_P_ALIVE)}，视为已流失`
        : `最近一次购买距今在全店最久的五分之一（R=1），视为已流失`
      break
    case 'at_risk':
      segmentRule = modelled
        ? `仍是活跃客户的概率 ${percent(score.pAlive!)} 低于 ${percent(AT_RISK_BELOW_P_ALIVE)}，有流失风险`
        : `最近一次购买距今在全店较久的一档（R=2），有流失风险`
      break
    case 'champion':
      segmentRule = modelled
        ? `预计终身价值 ${yuan(score.clvFen ?? 0)} 达到全店前五分之一的门槛 ${yuan(model.championClvFen)}`
        : `购买频次与金额都在全店前两档（F≥4 且 M≥4）`
      break
    case 'loyal':
      segmentRule = `在 ${score.x + 1} 个不同的日子购买过，是回头客`
      break
    case 'promising':
      segmentRule = `只在一天购买过，仍可能再来`
      break
  }
  return {
    segmentRule,
    pAlive: modelled ? `仍是活跃客户的概率 ${percent(score.pAlive!)}` : null,
    expectedPurchases: score.expectedPurchases !== null ? `未来 ${score.horizonWeeks} 周预计购买 ${score.expectedPurchases.toFixed(1)} 天` : null,
  }
}
