//! Deal pages: the list (with stage filter), a deal (move stage, edit, delete, timeline), create.

mod detail;
mod form;
mod history;
mod list;

pub use detail::DealPage;
pub use form::NewDealPage;
pub use list::DealsPage;
