//! Contact pages: the list, a contact (view, edit, delete, timeline) and the create form.

mod detail;
mod form;
mod list;

pub use detail::ContactPage;
pub use form::NewContactPage;
pub use list::ContactsPage;
