//! The widget's views, one per file: overview, add-on detail, plan history.

mod addon;
mod overview;
mod plan;

pub use addon::AddonPage;
pub use overview::OverviewPage;
pub use plan::PlanPage;

use addon_usage_core::correlate::correlate;
use addon_usage_core::model::{AddonInstance, AddonsSnapshot, Purchase};

/// An instance with the purchase it came from, found in the widget's data.
pub struct Located {
    /// The endpoint's snapshot.
    pub snapshot: AddonsSnapshot,
    /// The instance.
    pub instance: AddonInstance,
    /// The purchase, when one matches.
    pub purchase: Option<Purchase>,
}

/// Finds `unique_id` on `endpoint` with its purchase.
pub fn locate(
    snapshot: Option<AddonsSnapshot>,
    purchases: &[Purchase],
    unique_id: &str,
) -> Option<Located> {
    let snapshot = snapshot?;
    let index = snapshot
        .instances
        .iter()
        .position(|i| i.unique_id == unique_id)?;
    let matches = correlate(&snapshot.endpoint_id, &snapshot.instances, purchases);
    let purchase = matches.purchase_of[index].map(|p| purchases[p].clone());
    Some(Located {
        instance: snapshot.instances[index].clone(),
        snapshot,
        purchase,
    })
}
