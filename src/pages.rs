//! The widget's views.

mod overview;

pub use overview::OverviewPage;
