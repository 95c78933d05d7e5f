//! Company pages: the list, a company (view, edit, delete, its contacts and deals), create.

mod detail;
mod form;
mod list;
mod options;

pub use detail::CompanyPage;
pub use form::NewCompanyPage;
pub use list::CompaniesPage;
pub use options::company_options;
