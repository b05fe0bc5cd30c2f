//! Correlation of SFT instances with the portal's purchases.
//!
//! In order: the same `uniqueId`; else the same `addonId` on the same endpoint, each
//! purchase paired with at most one instance, the instance whose start is nearest after
//! the purchase (an instance not started yet counts as starting after any purchase).
//! An instance with no purchase is shown under its SFT plan name.

use crate::model::{AddonInstance, Purchase};

/// Which purchase, if any, each instance came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correlation {
    /// For each instance (same order as given), the index of its purchase.
    pub purchase_of: Vec<Option<usize>>,
    /// Purchases for this endpoint that no instance matched.
    pub unmatched: Vec<usize>,
}

/// Pairs `instances` of `endpoint_id` with `purchases` (which may cover other endpoints).
pub fn correlate(
    endpoint_id: &str,
    instances: &[AddonInstance],
    purchases: &[Purchase],
) -> Correlation {
    let mine: Vec<usize> = (0..purchases.len())
        .filter(|&p| purchases[p].endpoint_id == endpoint_id)
        .collect();
    let mut taken = vec![false; purchases.len()];
    let mut purchase_of = vec![None; instances.len()];

    for (i, instance) in instances.iter().enumerate() {
        let same_id = mine.iter().copied().find(|&p| {
            !taken[p] && purchases[p].unique_id.as_deref() == Some(instance.unique_id.as_str())
        });
        if let Some(p) = same_id {
            taken[p] = true;
            purchase_of[i] = Some(p);
        }
    }

    // Pair the rest by plan and time: oldest purchase first, nearest start after it.
    let mut by_time = mine.clone();
    by_time.sort_by_key(|&p| purchases[p].purchased_at);
    for p in by_time {
        if taken[p] || purchases[p].unique_id.is_some() {
            continue;
        }
        let purchase = &purchases[p];
        let candidate = (0..instances.len())
            .filter(|&i| purchase_of[i].is_none() && instances[i].addon_id == purchase.addon_id)
            .filter(|&i| {
                instances[i]
                    .starts_at
                    .is_none_or(|s| s >= purchase.purchased_at)
            })
            .min_by_key(|&i| (instances[i].starts_at.is_none(), instances[i].starts_at));
        if let Some(i) = candidate {
            taken[p] = true;
            purchase_of[i] = Some(p);
        }
    }

    let unmatched = mine.into_iter().filter(|&p| !taken[p]).collect();
    Correlation {
        purchase_of,
        unmatched,
    }
}
