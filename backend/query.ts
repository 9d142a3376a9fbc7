/** A literal piece of text as a regular expression matching exactly it (for `db.RegExp` searches on user input). */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
