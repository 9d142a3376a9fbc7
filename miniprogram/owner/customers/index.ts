import { customerListPage } from '../../customer-list/list-page'

Page(customerListPage('/seller/customer/index'))
