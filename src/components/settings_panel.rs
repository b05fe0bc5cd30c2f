use addon_usage_core::units::UnitSystem;
use addon_usage_core::warnings::Thresholds;
use leptos::prelude::*;

use crate::components::widget_config;
use crate::data::{Data, THRESHOLDS_SLOT};

/// The units in use, and the traveler's own low-balance warning level (remembered).
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let data = use_context::<Data>().unwrap_or_else(|| Data::new(Vec::new()));
    let units_note = match widget_config().units {
        UnitSystem::Decimal => "Data is shown in GB and MB (1 GB = 1,000,000,000 bytes).",
        UnitSystem::Binary => "Data is shown in GiB and MiB (1 GiB = 1,073,741,824 bytes).",
    };
    let (problem, set_problem) = signal(None::<String>);
    let change = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let Ok(low) = text.trim().parse::<f64>() else {
            set_problem.set(Some("Enter a whole number between 1 and 99.".into()));
            return;
        };
        let current = data.thresholds.get_untracked();
        let very_low = current.very_low_percent.min(low / 2.0);
        match Thresholds::new(low, very_low) {
            Ok(mine) if (1.0..=99.0).contains(&low) => {
                set_problem.set(None);
                data.thresholds.set(mine);
                if let Some(cache) = data.cache.get_untracked() {
                    cache.save(THRESHOLDS_SLOT, &mine);
                }
            }
            _ => set_problem.set(Some("Enter a whole number between 1 and 99.".into())),
        }
    };

    view! {
        <div class="settings">
            <p class="units-note">{units_note}</p>
            <details>
                <summary>"Warning settings"</summary>
                <label>
                    "Warn me when less than"
                    <input
                        type="number"
                        min="1"
                        max="99"
                        step="1"
                        prop:value=move || format!("{:.0}", data.thresholds.get().low_percent)
                        on:change=change
                        aria-describedby="addon-usage-threshold-problem"
                    />
                    "% is left"
                </label>
                <p id="addon-usage-threshold-problem" class="field-problem" role="alert">{problem}</p>
            </details>
        </div>
    }
}
