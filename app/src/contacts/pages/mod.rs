//! Contact pages: the list, a contact (view, edit, delete, timeline) and the create form.

mod detail;
mod form;
mod import;
mod list;

pub use detail::ContactPage;
pub use form::NewContactPage;
pub use import::ImportContactsPage;
pub use list::ContactsPage;
