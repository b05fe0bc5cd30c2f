//! Pure logic shared by the addon-usage widget, proxy and SFT simulator: the add-on
//! model, the tolerant SFT parser, status rules, correlation with purchases, and unit
//! formatting. No I/O; every function that depends on time takes `now`.

pub mod correlate;
pub mod countdown;
pub mod counters;
pub mod forecast;
pub mod model;
#[cfg(feature = "sft")]
pub mod names;
pub mod policy;
#[cfg(feature = "sft")]
pub mod sft;
pub mod status;
pub mod store;
#[cfg(feature = "sft")]
pub mod time;
pub mod units;
pub mod warnings;

pub use model::*;
