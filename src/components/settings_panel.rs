use addon_usage_core::units::UnitSystem;
use addon_usage_core::warnings::Thresholds;
use leptos::prelude::*;

use crate::components::{locale, widget_config};
use crate::data::{Data, THRESHOLDS_SLOT};
use crate::i18n::{t, Msg};

/// The units in use, and the traveler's own low-balance warning level (remembered).
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let data = use_context::<Data>().unwrap_or_else(|| Data::new(Vec::new()));
    let locale = StoredValue::new(locale());
    let say = move |msg: Msg<'_>| locale.with_value(|l| t(l, msg));
    let units_note = say(match widget_config().units {
        UnitSystem::Decimal => Msg::UnitsDecimal,
        UnitSystem::Binary => Msg::UnitsBinary,
    });
    let (problem, set_problem) = signal(None::<String>);
    let change = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let Ok(low) = text.trim().parse::<f64>() else {
            set_problem.set(Some(say(Msg::EnterWholePercent)));
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
            _ => set_problem.set(Some(say(Msg::EnterWholePercent))),
        }
    };
    let current = move || {
        say(Msg::WarnBelow {
            percent: data.thresholds.get().low_percent,
        })
    };

    view! {
        <div class="settings">
            <p class="units-note">{units_note}</p>
            <details>
                <summary>{say(Msg::WarningSettings)}</summary>
                <label>
                    {say(Msg::LowBalanceThreshold)}
                    <input
                        type="number"
                        min="1"
                        max="99"
                        step="1"
                        prop:value=move || format!("{:.0}", data.thresholds.get().low_percent)
                        on:change=change
                        aria-describedby="addon-usage-threshold-now addon-usage-threshold-problem"
                    />
                </label>
                <p id="addon-usage-threshold-now" class="field-hint">{current}</p>
                <p id="addon-usage-threshold-problem" class="field-problem" role="alert">{problem}</p>
            </details>
        </div>
    }
}
