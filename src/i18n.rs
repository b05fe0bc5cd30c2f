//! The traveler's language: which locale to use, what the widget says in it, and how
//! numbers, data amounts, spans and relative times are written there.
//!
//! Four catalogs (English, French, German, Spanish) are plain `match`es over [`Msg`]; a
//! missing translation is a compile error. Everything numeric goes through the
//! browser's `Intl` objects, constructed with `Reflect::construct` so that a refused
//! locale or option becomes a fallback, never an exception inside the wasm.
//!
//! ```ignore
//! let locale = resolve_locale(config.locale.as_deref());
//! let line = t(&locale, Msg::ActiveAddons { count: 2 }); // "2 active add-ons"
//! ```

use addon_usage_core::countdown::short_span;
use addon_usage_core::model::{BenefitKind, CounterAction};
use addon_usage_core::status::{Deadline, Status};
use addon_usage_core::units::UnitSystem;
use chrono::{DateTime, Utc};
use wasm_bindgen::JsValue;

/// A language the widget has a catalog for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
}

impl Lang {
    /// The catalog for a BCP 47 tag, by its primary subtag: `fr-CA` → French.
    pub fn for_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            "de" => Some(Lang::De),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }
}

/// The locale a widget speaks: the catalog for its words and the full tag for `Intl`
/// (so `fr-CA` reads French and writes Canadian dates and numbers).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Locale {
    /// Which catalog the words come from.
    pub catalog: Lang,
    /// The canonical BCP 47 tag handed to `Intl`, such as `fr-CA`.
    pub tag: String,
}

impl Default for Locale {
    /// English (`en`).
    fn default() -> Self {
        Self {
            catalog: Lang::En,
            tag: "en".into(),
        }
    }
}

impl Locale {
    /// The locale for a tag the widget has a catalog for; `None` for an invalid tag or
    /// an unsupported language. `fr_CA` is read as `fr-CA`.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let tag = canonical_tag(&tag.trim().replace('_', "-"))?;
        Some(Self {
            catalog: Lang::for_tag(&tag)?,
            tag,
        })
    }
}

/// The widget's locale: the `locale` attribute, else the page's `<html lang>`, else the
/// browser's languages in order of preference, else English. A candidate without a
/// catalog (say `ja`) is skipped, so the next one in line decides.
pub fn resolve_locale(attribute: Option<&str>) -> Locale {
    let mut candidates: Vec<String> = attribute.map(String::from).into_iter().collect();
    if let Some(window) = web_sys::window() {
        let page = window
            .document()
            .and_then(|d| d.document_element())
            .and_then(|html| html.get_attribute("lang"));
        candidates.extend(page);

        let navigator = window.navigator();
        candidates.extend(navigator.languages().iter().filter_map(|l| l.as_string()));
        candidates.extend(navigator.language());
    }
    first_supported(candidates.iter().map(String::as_str))
}

/// The first candidate the widget has a catalog for, else English. A bare language
/// ("en") takes the region of a later candidate of the same language ("en-GB"), so a
/// page that says only `lang="en"` still gets the traveler's own date and number style.
fn first_supported<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Locale {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let Some((index, chosen)) = candidates
        .iter()
        .enumerate()
        .find_map(|(i, c)| Locale::from_tag(c).map(|l| (i, l)))
    else {
        return Locale::default();
    };
    if chosen.tag.contains('-') {
        return chosen;
    }
    candidates[index + 1..]
        .iter()
        .filter_map(|c| Locale::from_tag(c))
        .find(|l| l.catalog == chosen.catalog && l.tag.contains('-'))
        .unwrap_or(chosen)
}

/// How often a counter resets, for its sentences.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CounterPeriod {
    /// Every day ("today").
    Day,
    /// Every month ("this month").
    Month,
    /// Another or no period: nothing is said about it.
    #[default]
    Other,
}

impl CounterPeriod {
    /// From SFT's counter frequency (`Daily`, `Monthly`, ...).
    pub fn from_frequency(frequency: Option<&str>) -> Self {
        match frequency {
            Some("Daily") => CounterPeriod::Day,
            Some("Monthly") => CounterPeriod::Month,
            _ => CounterPeriod::Other,
        }
    }
}

impl From<addon_usage_core::counters::CounterPeriod> for CounterPeriod {
    fn from(period: addon_usage_core::counters::CounterPeriod) -> Self {
        use addon_usage_core::counters::CounterPeriod as Core;
        match period {
            Core::Daily => CounterPeriod::Day,
            Core::Monthly => CounterPeriod::Month,
            Core::Other => CounterPeriod::Other,
        }
    }
}

/// What happens when a counter's limit is reached, for its sentences.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CounterOutcome<'a> {
    /// Speed drops to this many kbit/s.
    Throttle {
        /// The reduced speed.
        kbps: u32,
    },
    /// Data stops.
    #[default]
    Block,
    /// The traveler is asked to buy more.
    Redirect,
    /// Use is charged outside the bundle.
    Charged,
    /// An action SFT named that the widget does not know, shown as SFT wrote it.
    Other(&'a str),
}

impl<'a> From<&'a CounterAction> for CounterOutcome<'a> {
    fn from(action: &'a CounterAction) -> Self {
        match action {
            CounterAction::Throttle { kbps } => CounterOutcome::Throttle { kbps: *kbps },
            CounterAction::Block => CounterOutcome::Block,
            CounterAction::Redirect => CounterOutcome::Redirect,
            CounterAction::Default => CounterOutcome::Charged,
            CounterAction::Other { text } => CounterOutcome::Other(text),
        }
    }
}

/// Declares [`Msg`] and, for the tests, one sample of every variant, so a new message
/// cannot escape the "every language has a text" test.
macro_rules! messages {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident $({ $( $(#[doc = $field_doc:literal])* $field:ident: $ty:ty ),+ $(,)? })?
    ),+ $(,)?) => {
        /// Everything the widget says to a traveler. [`t`] words a message in a locale.
        /// Text parameters arrive formatted (times, spans, amounts); counts and
        /// percentages arrive as numbers, so that plurals and `Intl` can apply.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Msg<'a> {
            $(
                $(#[doc = $doc])*
                $name $({ $( $(#[doc = $field_doc])* $field: $ty ),+ })?,
            )+
        }

        /// One of each message, with default parameters.
        #[cfg(all(test, target_arch = "wasm32"))]
        fn every_message() -> Vec<Msg<'static>> {
            vec![$( Msg::$name $({ $( $field: Default::default() ),+ })? ),+]
        }
    };
}

messages! {
    /// "Your add-ons" (the widget's title).
    YourAddons,
    /// "Loading your eSIMs…"
    LoadingEsims,
    /// "You have no eSIMs with add-ons yet."
    NoEsims,
    /// "Loading your add-ons…"
    LoadingAddons,
    /// "No add-ons on this eSIM yet."
    NoAddonsOnEsim,
    /// "Active" (group title).
    GroupActive,
    /// "Waiting to start" (group title).
    GroupWaiting,
    /// "Ended (3)" (title of the ended group).
    GroupEnded {
        /// How many ended.
        count: u32,
    },
    /// "1 active add-on", "2 active add-ons".
    ActiveAddons {
        /// How many are active.
        count: u32,
    },
    /// "3.3 GB of data left" (all active add-ons together).
    DataLeftInAll {
        /// A data amount from [`data_amount`].
        amount: &'a str,
    },
    /// "next change in 2 days 4 h".
    NextChangeIn {
        /// A span from [`span`].
        span: &'a str,
    },
    /// "Starts on first use" (status badge).
    StatusNotStarted,
    /// "Scheduled" (status badge).
    StatusScheduled,
    /// "Active" (status badge).
    StatusActive,
    /// "Used up" (status badge).
    StatusUsedUp,
    /// "Expired" (status badge).
    StatusExpired,
    /// "Being set up" (status badge of a purchase SFT does not show yet).
    BeingSetUp,
    /// "Data" (benefit kind).
    KindData,
    /// "SMS" (benefit kind).
    KindSms,
    /// "Calls" (benefit kind).
    KindCalls,
    /// "Credit" (benefit kind).
    KindCredit,
    /// "3.3 GB of 10 GB left".
    AmountLeft {
        /// What is left, formatted.
        left: &'a str,
        /// What was granted, formatted.
        total: &'a str,
    },
    /// "Data left" (a benefit bar's accessible name).
    AllowanceLeft {
        /// The kind's label from [`kind_label`].
        kind: &'a str,
    },
    /// "Data valid until Sun 20 Dec, 18:40".
    ValidUntil {
        /// The kind's label from [`kind_label`].
        kind: &'a str,
        /// A date and time.
        time: &'a str,
    },
    /// "SFT plan: Europe 10GB 30 days".
    PlanNote {
        /// SFT's plan name.
        plan: &'a str,
    },
    /// "SFT plan: Europe 10GB 30 days (add-on 3101, instance 5512001)".
    PlanDetails {
        /// SFT's plan name.
        plan: &'a str,
        /// SFT's add-on id.
        addon: &'a str,
        /// SFT's instance id.
        instance: &'a str,
    },
    /// "Expires in 16 days 9 h".
    ExpiresIn {
        /// A span from [`span`].
        span: &'a str,
    },
    /// "Starts in 2 h 30 min".
    StartsIn {
        /// A span from [`span`].
        span: &'a str,
    },
    /// "Starting now".
    StartingNow,
    /// "Ended 2 hours ago".
    EndedAgo {
        /// A past relative time from [`relative_time`] ("2 hours ago").
        ago: &'a str,
    },
    /// "Refresh" (button).
    Refresh,
    /// "Refreshing…"
    Refreshing,
    /// "Updated just now"
    UpdatedJustNow,
    /// "As of 09:12".
    AsOf {
        /// A clock time.
        time: &'a str,
    },
    /// "You can refresh again in 42 s".
    RefreshAgainIn {
        /// Seconds to wait.
        seconds: u32,
    },
    /// "You're offline. Showing figures as of 09:12."
    Offline {
        /// When the figures shown were read.
        time: &'a str,
    },
    /// "Try again" (button).
    TryAgain,
    /// "Can't reach the usage service. Check your connection; we'll try again."
    ErrorNetwork,
    /// "Your session has ended. Reload the page or sign in again to see your add-ons."
    ErrorSession,
    /// "The usage service sent an answer we couldn't read. Please try again later."
    ErrorUnreadable,
    /// "← All add-ons" (link back to the overview).
    BackToAll,
    /// "This add-on is not on this eSIM any more. It may have ended and been removed."
    AddonGone,
    /// "Purchase" (the purchase section's accessible name).
    PurchaseRegion,
    /// "Your purchase" (heading).
    YourPurchase,
    /// "Order 4471 · Europe 10 GB".
    OrderLine {
        /// The portal's order id.
        order: &'a str,
        /// The product name.
        product: &'a str,
    },
    /// "Bought Sun 20 Dec, 18:40".
    Bought {
        /// A date and time.
        when: &'a str,
    },
    /// "Every purchase and renewal of this plan →" (link).
    EveryPurchaseOfPlan,
    /// "Validity" (heading and accessible name).
    Validity,
    /// "Allowance" (column header).
    ColumnAllowance,
    /// "Starts" (column header).
    ColumnStarts,
    /// "Ends" (column header).
    ColumnEnds,
    /// "Plan" (the plan's row).
    RowPlan,
    /// "(governs)" (mark on the row whose end counts).
    Governs,
    /// "Not set yet" (a validity with no date).
    NotSetYet,
    /// "The marked allowance ends before the plan does, so that is when this add-on stops
    /// being useful."
    ValidityBenefitFirst,
    /// "The plan's end governs this add-on."
    ValidityPlanGoverns,
    /// "This add-on has not started yet."
    ValidityNotStarted,
    /// "Validity starts when the eSIM first uses data."
    ValidityOnFirstUse,
    /// "Limits" (heading and accessible name).
    Limits,
    /// "1.2 GB left today before speed drops to 256 kbps".
    CounterLeft {
        /// What is left before the limit, formatted.
        left: &'a str,
        /// How often the counter resets.
        period: CounterPeriod,
        /// What happens at the limit.
        outcome: CounterOutcome<'a>,
    },
    /// "1 GB limit reached today: speed drops to 256 kbps".
    CounterReached {
        /// The limit, formatted.
        limit: &'a str,
        /// How often the counter resets.
        period: CounterPeriod,
        /// What happens now.
        outcome: CounterOutcome<'a>,
    },
    /// "(limit 1 GB)".
    CounterLimit {
        /// The limit, formatted.
        limit: &'a str,
    },
    /// "resets at 19:40 Brussels time (18:40 your time)".
    CounterResetsAt {
        /// A time, possibly from [`Msg::ZoneTimeFirst`].
        time: &'a str,
    },
    /// "Full speed" (label before a throttling counter's sentence).
    FullSpeed,
    /// "18:40 your time".
    YourTime {
        /// A time in the traveler's zone.
        time: &'a str,
    },
    /// "19:40 Brussels time".
    ZoneTime {
        /// A time in the SFT account's zone.
        time: &'a str,
        /// The zone's city from `format::zone_city`.
        city: &'a str,
    },
    /// "18:40 your time (19:40 Brussels time)".
    BothTimes {
        /// The time in the traveler's zone.
        local: &'a str,
        /// The time in the SFT account's zone.
        sft: &'a str,
        /// The SFT zone's city.
        city: &'a str,
    },
    /// "19:40 Brussels time (18:40 your time)": the SFT account's time first, as for
    /// counter resets, which happen on SFT's clock.
    ZoneTimeFirst {
        /// The time in the SFT account's zone.
        sft: &'a str,
        /// The SFT zone's city.
        city: &'a str,
        /// The time in the traveler's zone.
        local: &'a str,
    },
    /// "Plan history" (heading).
    PlanHistory,
    /// "Nothing to show for this plan yet."
    NothingForPlan,
    /// "Europe 10GB 30 days · add-on 3101".
    PlanHeading {
        /// SFT's plan name.
        plan: &'a str,
        /// SFT's add-on id.
        addon: &'a str,
    },
    /// "Bought as Europe 10 GB (order 4471)".
    BoughtAs {
        /// The product name.
        product: &'a str,
        /// The portal's order id.
        order: &'a str,
    },
    /// "Added by the operator".
    AddedByOperator,
    /// "Renewal 2".
    Renewal {
        /// Which instance of the plan, counting from 1.
        number: u32,
    },
    /// "From Sun 20 Dec, 18:40".
    FromTime {
        /// A date and time.
        time: &'a str,
    },
    /// "until Sun 20 Dec, 18:40" (after [`Msg::FromTime`]).
    UntilTime {
        /// A date and time.
        time: &'a str,
    },
    /// "Running low: 15% of Europe 10GB left".
    RunningLow {
        /// Share left, in percent (15.0 for 15 %).
        percent: f64,
        /// What runs low: the add-on's or the benefit's name.
        benefit: &'a str,
    },
    /// "Very low: only 5% of Europe 10GB left".
    VeryLow {
        /// Share left, in percent.
        percent: f64,
        /// What runs low.
        benefit: &'a str,
    },
    /// "At this pace it runs out in 3 days, 2 days 4 h before it expires".
    RunsOutBeforeExpiry {
        /// When, from [`relative_time`] ("in 3 days", "tomorrow").
        when: &'a str,
        /// How long before the expiry, from [`span`].
        margin: &'a str,
    },
    /// "Lasts until expiry at this pace".
    LastsUntilExpiry,
    /// "Expires within 24 hours".
    ExpiresWithinDay,
    /// "Speed reduced to 256 kbps until 00:00" (or without "until" when unknown).
    SpeedReduced {
        /// The reduced speed in kbit/s.
        kbps: u32,
        /// When the counter resets, if known.
        until: Option<&'a str>,
    },
    /// "Data blocked until 00:00".
    DataBlocked {
        /// When the counter resets, if known.
        until: Option<&'a str>,
    },
    /// "Limit reached until 00:00: buy more to keep using data".
    LimitRedirects {
        /// When the counter resets, if known.
        until: Option<&'a str>,
    },
    /// "Use is charged outside your bundle until 00:00".
    ChargedOutOfBundle {
        /// When the counter resets, if known.
        until: Option<&'a str>,
    },
    /// "Top up" (button).
    TopUp,
    /// "Renew" (button).
    Renew,
    /// "Usage is counted after your traffic is rated, so figures can lag by up to a few
    /// hours."
    RatingLag,
    /// "Got it" (dismisses a note).
    GotIt,
    /// "Data shown in GB (1 GB = 1,000,000,000 bytes)".
    UnitsDecimal,
    /// "Data shown in GiB (1 GiB = 1,073,741,824 bytes)".
    UnitsBinary,
    /// "Warn me when less than 20% is left".
    WarnBelow {
        /// The threshold in percent.
        percent: f64,
    },
    /// "3.3 GB left of 10.7 GB" (a benefit's figures; the amount left is shown bold).
    FiguresLeftOf {
        /// What is left, formatted.
        left: &'a str,
        /// What was granted, formatted.
        total: &'a str,
    },
    /// "At the mark on the bar, your speed is reduced."
    MarkSlowsDown,
    /// "At the mark on the bar, data stops until the limit resets."
    MarkStopsData,
    /// "At the mark on the bar, browsing opens the shop."
    MarkOpensShop,
    /// "The usage service asked us to wait. Try again in 42 s."
    AskedToWait {
        /// Seconds to wait.
        seconds: u32,
    },
    /// "You're offline. We'll refresh when you're back online." (refresh refused)
    OfflineRefreshLater,
    /// "You're offline. Your add-ons will show when you're back online." (nothing kept)
    OfflineNothingYet,
    /// "Figures as of Sun 20 Dec, 18:40." (an eSIM's reading time)
    FiguresAsOf {
        /// A date and time.
        time: &'a str,
    },
    /// "The usage service is not answering; these are the last figures it gave."
    StaleFigures,
    /// "Europe 10 GB: we're activating it on your eSIM. This usually takes a few minutes."
    BeingActivated {
        /// The product name.
        product: &'a str,
    },
    /// "Pace and forecast" (heading and accessible name).
    PaceAndForecast,
    /// "Data: pace and forecast" (heading of one benefit's chart).
    PaceAndForecastOf {
        /// The kind's label from [`kind_label`].
        kind: &'a str,
    },
    /// "Not enough history for a forecast yet: we need at least 3 readings over 1 h (have
    /// 1 reading over 0 min 00 s)."
    ForecastNeedsHistory {
        /// Readings a forecast needs.
        need: u32,
        /// The span they must cover, from [`span`].
        over: &'a str,
        /// Readings so far.
        have: u32,
        /// The span they cover, from [`span`].
        during: &'a str,
    },
    /// "Nothing left to forecast."
    ForecastNothingLeft,
    /// "No use since the readings began: it lasts until expiry."
    ForecastNoUse,
    /// "At this pace (120 MB an hour) it runs out Sun 20 Dec, 18:40, 2 days 4 h before
    /// it expires."
    ForecastRunsOutBefore {
        /// Use per hour, formatted.
        pace: &'a str,
        /// A date and time.
        at: &'a str,
        /// How long before the expiry, from [`span`].
        margin: &'a str,
    },
    /// "At this pace (120 MB an hour) it lasts until expiry, with about 1.2 GB left."
    ForecastLasts {
        /// Use per hour, formatted.
        pace: &'a str,
        /// What is projected to be left, formatted.
        left: &'a str,
    },
    /// "At this pace (120 MB an hour) it runs out Sun 20 Dec, 18:40." (no expiry known)
    ForecastRunsOut {
        /// Use per hour, formatted.
        pace: &'a str,
        /// A date and time.
        at: &'a str,
    },
    /// "Warning settings" (the settings' summary).
    WarningSettings,
    /// "Low-balance warning (% left)" (the threshold field's label).
    LowBalanceThreshold,
    /// "Enter a whole number between 1 and 99."
    EnterWholePercent,
    /// "Full speed: …" — a label and its text, with the language's colon (French and
    /// Spanish continue the text in lower case: "Débit maximal : il reste…").
    Labelled {
        /// What comes before the colon.
        label: &'a str,
        /// What follows.
        text: &'a str,
    },
    /// "…; resets at …" — two clauses, with the language's semicolon.
    Joined {
        /// The first clause.
        first: &'a str,
        /// The second clause.
        second: &'a str,
    },
}

impl Msg<'static> {
    /// The badge text of a status.
    pub fn status(status: Status) -> Self {
        match status {
            Status::NotStarted => Msg::StatusNotStarted,
            Status::Scheduled => Msg::StatusScheduled,
            Status::Active => Msg::StatusActive,
            Status::UsedUp => Msg::StatusUsedUp,
            Status::Expired => Msg::StatusExpired,
        }
    }
}

/// Words `msg` in the locale's language.
pub fn t(locale: &Locale, msg: Msg<'_>) -> String {
    match locale.catalog {
        Lang::En => english(locale, msg),
        Lang::Fr => french(locale, msg),
        Lang::De => german(locale, msg),
        Lang::Es => spanish(locale, msg),
    }
}

/// The label of a benefit kind; SFT's own name for a kind the widget does not know.
pub fn kind_label(locale: &Locale, kind: &BenefitKind) -> String {
    let msg = match kind {
        BenefitKind::Data => Msg::KindData,
        BenefitKind::Sms => Msg::KindSms,
        BenefitKind::Voice => Msg::KindCalls,
        BenefitKind::Credit => Msg::KindCredit,
        BenefitKind::Other(name) => return name.clone(),
    };
    t(locale, msg)
}

/// The sentence a countdown shows for `deadline` at `now`: "Expires in 16 days 9 h",
/// "Starts in 5 h 12 min", "Starting now", "Ended 2 hours ago".
pub fn countdown(locale: &Locale, deadline: Deadline, now: DateTime<Utc>) -> String {
    let until = (deadline.at() - now).num_seconds();
    let span = span(locale, until);
    match deadline {
        Deadline::StartsAt(_) if until > 0 => t(locale, Msg::StartsIn { span: &span }),
        Deadline::StartsAt(_) => t(locale, Msg::StartingNow),
        Deadline::EndsAt(_) if until > 0 => t(locale, Msg::ExpiresIn { span: &span }),
        Deadline::EndsAt(_) | Deadline::EndedAt(_) => {
            let ago = relative(locale, until.min(0), "always");
            t(locale, Msg::EndedAgo { ago: &ago })
        }
    }
}

fn english(l: &Locale, msg: Msg<'_>) -> String {
    use CounterOutcome as O;
    use CounterPeriod as P;
    let outcome = |outcome: CounterOutcome<'_>| match outcome {
        O::Throttle { kbps } => format!("speed drops to {} kbps", int(l, kbps)),
        O::Block => "data stops".into(),
        O::Redirect => "you're asked to buy more".into(),
        O::Charged => "use is charged outside your bundle".into(),
        O::Other(text) => text.into(),
    };
    let period = |period| match period {
        P::Day => " today",
        P::Month => " this month",
        P::Other => "",
    };
    let until = |until: Option<&str>| until.map(|u| format!(" until {u}")).unwrap_or_default();
    match msg {
        Msg::YourAddons => "Your add-ons".into(),
        Msg::LoadingEsims => "Loading your eSIMs…".into(),
        Msg::NoEsims => "You have no eSIMs with add-ons yet.".into(),
        Msg::LoadingAddons => "Loading your add-ons…".into(),
        Msg::NoAddonsOnEsim => "No add-ons on this eSIM yet.".into(),
        Msg::GroupActive => "Active".into(),
        Msg::GroupWaiting => "Waiting to start".into(),
        Msg::GroupEnded { count } => format!("Ended ({})", int(l, count)),
        Msg::ActiveAddons { count } if is_one(l, count) => {
            format!("{} active add-on", int(l, count))
        }
        Msg::ActiveAddons { count } => format!("{} active add-ons", int(l, count)),
        Msg::DataLeftInAll { amount } => format!("{amount} of data left"),
        Msg::NextChangeIn { span } => format!("next change in {span}"),
        Msg::StatusNotStarted => "Starts on first use".into(),
        Msg::StatusScheduled => "Scheduled".into(),
        Msg::StatusActive => "Active".into(),
        Msg::StatusUsedUp => "Used up".into(),
        Msg::StatusExpired => "Expired".into(),
        Msg::BeingSetUp => "Being set up".into(),
        Msg::KindData => "Data".into(),
        Msg::KindSms => "SMS".into(),
        Msg::KindCalls => "Calls".into(),
        Msg::KindCredit => "Credit".into(),
        Msg::AmountLeft { left, total } => format!("{left} of {total} left"),
        Msg::AllowanceLeft { kind } => format!("{kind} left"),
        Msg::ValidUntil { kind, time } => format!("{kind} valid until {time}"),
        Msg::PlanNote { plan } => format!("SFT plan: {plan}"),
        Msg::PlanDetails {
            plan,
            addon,
            instance,
        } => format!("SFT plan: {plan} (add-on {addon}, instance {instance})"),
        Msg::ExpiresIn { span } => format!("Expires in {span}"),
        Msg::StartsIn { span } => format!("Starts in {span}"),
        Msg::StartingNow => "Starting now".into(),
        Msg::EndedAgo { ago } => format!("Ended {ago}"),
        Msg::Refresh => "Refresh".into(),
        Msg::Refreshing => "Refreshing…".into(),
        Msg::UpdatedJustNow => "Updated just now".into(),
        Msg::AsOf { time } => format!("As of {time}"),
        Msg::RefreshAgainIn { seconds } => {
            format!("You can refresh again in {} s", int(l, seconds))
        }
        Msg::Offline { time } => format!("You're offline. Showing figures as of {time}."),
        Msg::TryAgain => "Try again".into(),
        Msg::ErrorNetwork => {
            "Can't reach the usage service. Check your connection; we'll try again.".into()
        }
        Msg::ErrorSession => {
            "Your session has ended. Reload the page or sign in again to see your add-ons.".into()
        }
        Msg::ErrorUnreadable => {
            "The usage service sent an answer we couldn't read. Please try again later.".into()
        }
        Msg::BackToAll => "← All add-ons".into(),
        Msg::AddonGone => {
            "This add-on is not on this eSIM any more. It may have ended and been removed.".into()
        }
        Msg::PurchaseRegion => "Purchase".into(),
        Msg::YourPurchase => "Your purchase".into(),
        Msg::OrderLine { order, product } => format!("Order {order} · {product}"),
        Msg::Bought { when } => format!("Bought {when}"),
        Msg::EveryPurchaseOfPlan => "Every purchase and renewal of this plan →".into(),
        Msg::Validity => "Validity".into(),
        Msg::ColumnAllowance => "Allowance".into(),
        Msg::ColumnStarts => "Starts".into(),
        Msg::ColumnEnds => "Ends".into(),
        Msg::RowPlan => "Plan".into(),
        Msg::Governs => "(governs)".into(),
        Msg::NotSetYet => "Not set yet".into(),
        Msg::ValidityBenefitFirst => "The marked allowance ends before the plan does, so \
            that is when this add-on stops being useful."
            .into(),
        Msg::ValidityPlanGoverns => "The plan's end governs this add-on.".into(),
        Msg::ValidityNotStarted => "This add-on has not started yet.".into(),
        Msg::ValidityOnFirstUse => "Validity starts when the eSIM first uses data.".into(),
        Msg::Limits => "Limits".into(),
        Msg::CounterLeft {
            left,
            period: p,
            outcome: O::Other(then),
        } => format!("{left} left{}, then: {then}", period(p)),
        Msg::CounterLeft {
            left,
            period: p,
            outcome: o,
        } => format!("{left} left{} before {}", period(p), outcome(o)),
        Msg::CounterReached {
            limit,
            period: p,
            outcome: o,
        } => format!("{limit} limit reached{}: {}", period(p), outcome(o)),
        Msg::CounterLimit { limit } => format!("(limit {limit})"),
        Msg::CounterResetsAt { time } => format!("resets at {time}"),
        Msg::FullSpeed => "Full speed".into(),
        Msg::YourTime { time } => format!("{time} your time"),
        Msg::ZoneTime { time, city } => format!("{time} {city} time"),
        Msg::BothTimes { local, sft, city } => {
            format!("{local} your time ({sft} {city} time)")
        }
        Msg::ZoneTimeFirst { sft, city, local } => {
            format!("{sft} {city} time ({local} your time)")
        }
        Msg::PlanHistory => "Plan history".into(),
        Msg::NothingForPlan => "Nothing to show for this plan yet.".into(),
        Msg::PlanHeading { plan, addon } => format!("{plan} · add-on {addon}"),
        Msg::BoughtAs { product, order } => format!("Bought as {product} (order {order})"),
        Msg::AddedByOperator => "Added by the operator".into(),
        Msg::Renewal { number } => format!("Renewal {}", int(l, number)),
        Msg::FromTime { time } => format!("From {time}"),
        Msg::UntilTime { time } => format!("until {time}"),
        Msg::RunningLow {
            percent: p,
            benefit,
        } => {
            format!("Running low: {} of {benefit} left", percent(l, p))
        }
        Msg::VeryLow {
            percent: p,
            benefit,
        } if p <= 0.0 => format!("Nothing left of {benefit}"),
        Msg::VeryLow {
            percent: p,
            benefit,
        } => {
            format!("Very low: only {} of {benefit} left", percent(l, p))
        }
        Msg::RunsOutBeforeExpiry { when, margin } => {
            format!("At this pace it runs out {when}, {margin} before it expires")
        }
        Msg::LastsUntilExpiry => "Lasts until expiry at this pace".into(),
        Msg::ExpiresWithinDay => "Expires within 24 hours".into(),
        Msg::SpeedReduced { kbps, until: u } => {
            format!("Speed reduced to {} kbps{}", int(l, kbps), until(u))
        }
        Msg::DataBlocked { until: u } => format!("Data blocked{}", until(u)),
        Msg::LimitRedirects { until: u } => {
            format!("Limit reached{}: buy more to keep using data", until(u))
        }
        Msg::ChargedOutOfBundle { until: u } => {
            format!("Use is charged outside your bundle{}", until(u))
        }
        Msg::TopUp => "Top up".into(),
        Msg::Renew => "Renew".into(),
        Msg::RatingLag => "Usage is counted after your traffic is rated, so figures can lag \
            by up to a few hours."
            .into(),
        Msg::GotIt => "Got it".into(),
        Msg::UnitsDecimal => format!(
            "Data shown in GB (1 GB = {} bytes)",
            int(l, 1_000_000_000_u32)
        ),
        Msg::UnitsBinary => format!(
            "Data shown in GiB (1 GiB = {} bytes)",
            int(l, 1_073_741_824_u32)
        ),
        Msg::WarnBelow { percent: p } => {
            format!("Warn me when less than {} is left", percent(l, p))
        }
        Msg::FiguresLeftOf { left, total } => format!("{left} left of {total}"),
        Msg::MarkSlowsDown => "At the mark on the bar, your speed is reduced.".into(),
        Msg::MarkStopsData => "At the mark on the bar, data stops until the limit resets.".into(),
        Msg::MarkOpensShop => "At the mark on the bar, browsing opens the shop.".into(),
        Msg::AskedToWait { seconds } => format!(
            "The usage service asked us to wait. Try again in {} s.",
            int(l, seconds)
        ),
        Msg::OfflineRefreshLater => "You're offline. We'll refresh when you're back online.".into(),
        Msg::OfflineNothingYet => {
            "You're offline. Your add-ons will show when you're back online.".into()
        }
        Msg::FiguresAsOf { time } => format!("Figures as of {time}."),
        Msg::StaleFigures => {
            "The usage service is not answering; these are the last figures it gave.".into()
        }
        Msg::BeingActivated { product } => format!(
            "{product}: we're activating it on your eSIM. This usually takes a few minutes."
        ),
        Msg::PaceAndForecast => "Pace and forecast".into(),
        Msg::PaceAndForecastOf { kind } => format!("{kind}: pace and forecast"),
        Msg::ForecastNeedsHistory {
            need,
            over,
            have,
            during,
        } => {
            let readings = |n| match is_one(l, n) {
                true => format!("{} reading", int(l, n)),
                false => format!("{} readings", int(l, n)),
            };
            let _ = during;
            format!(
                "A forecast appears once the balance has been read {} times over at least \
                 {over} (so far: {}).",
                int(l, need),
                readings(have)
            )
        }
        Msg::ForecastNothingLeft => "Nothing left to forecast.".into(),
        Msg::ForecastNoUse => "No use since the readings began: it lasts until expiry.".into(),
        Msg::ForecastRunsOutBefore { pace, at, margin } => {
            format!("At this pace ({pace} an hour) it runs out {at}, {margin} before it expires.")
        }
        Msg::ForecastLasts { pace, left } => {
            format!("At this pace ({pace} an hour) it lasts until expiry, with about {left} left.")
        }
        Msg::ForecastRunsOut { pace, at } => {
            format!("At this pace ({pace} an hour) it runs out {at}.")
        }
        Msg::WarningSettings => "Warning settings".into(),
        Msg::LowBalanceThreshold => "Low-balance warning (% left)".into(),
        Msg::EnterWholePercent => "Enter a whole number between 1 and 99.".into(),
        Msg::Labelled { label, text } => format!("{label}: {text}"),
        Msg::Joined { first, second } => format!("{first}; {second}"),
    }
}

/// French, with a no-break space before `:` and `;` as French typography wants.
fn french(l: &Locale, msg: Msg<'_>) -> String {
    use CounterOutcome as O;
    use CounterPeriod as P;
    let before = |outcome: CounterOutcome<'_>| match outcome {
        O::Throttle { kbps } => format!("la réduction du débit à {} kbit/s", int(l, kbps)),
        O::Block => "le blocage des données".into(),
        O::Redirect => "de devoir racheter des données".into(),
        O::Charged => "la facturation hors forfait".into(),
        O::Other(text) => text.into(),
    };
    let now = |outcome: CounterOutcome<'_>| match outcome {
        O::Throttle { kbps } => format!("débit réduit à {} kbit/s", int(l, kbps)),
        O::Block => "données bloquées".into(),
        O::Redirect => "rachetez des données pour continuer".into(),
        O::Charged => "consommation facturée hors forfait".into(),
        O::Other(text) => text.into(),
    };
    let period = |period| match period {
        P::Day => " aujourd'hui",
        P::Month => " ce mois-ci",
        P::Other => "",
    };
    let until = |until: Option<&str>| until.map(|u| format!(" jusqu'à {u}")).unwrap_or_default();
    match msg {
        Msg::YourAddons => "Vos options".into(),
        Msg::LoadingEsims => "Chargement de vos eSIM…".into(),
        Msg::NoEsims => "Vous n'avez encore aucune eSIM avec des options.".into(),
        Msg::LoadingAddons => "Chargement de vos options…".into(),
        Msg::NoAddonsOnEsim => "Aucune option sur cette eSIM pour l'instant.".into(),
        Msg::GroupActive => "Actives".into(),
        Msg::GroupWaiting => "En attente de démarrage".into(),
        Msg::GroupEnded { count } => format!("Terminées ({})", int(l, count)),
        Msg::ActiveAddons { count } if is_one(l, count) => {
            format!("{} option active", int(l, count))
        }
        Msg::ActiveAddons { count } => format!("{} options actives", int(l, count)),
        Msg::DataLeftInAll { amount } => format!("{amount} de données restantes"),
        Msg::NextChangeIn { span } => format!("prochain changement dans {span}"),
        Msg::StatusNotStarted => "Démarre à la première utilisation".into(),
        Msg::StatusScheduled => "Programmée".into(),
        Msg::StatusActive => "Active".into(),
        Msg::StatusUsedUp => "Épuisée".into(),
        Msg::StatusExpired => "Expirée".into(),
        Msg::BeingSetUp => "En cours d'activation".into(),
        Msg::KindData => "Données".into(),
        Msg::KindSms => "SMS".into(),
        Msg::KindCalls => "Appels".into(),
        Msg::KindCredit => "Crédit".into(),
        Msg::AmountLeft { left, total } => format!("Il reste {left} sur {total}"),
        Msg::AllowanceLeft { kind } => format!("{kind}\u{a0}: solde restant"),
        Msg::ValidUntil { kind, time } => format!("{kind}\u{a0}: valable jusqu'au {time}"),
        Msg::PlanNote { plan } => format!("Forfait SFT\u{a0}: {plan}"),
        Msg::PlanDetails {
            plan,
            addon,
            instance,
        } => format!("Forfait SFT\u{a0}: {plan} (option {addon}, instance {instance})"),
        Msg::ExpiresIn { span } => format!("Expire dans {span}"),
        Msg::StartsIn { span } => format!("Démarre dans {span}"),
        Msg::StartingNow => "Démarrage imminent".into(),
        Msg::EndedAgo { ago } => format!("Terminée {ago}"),
        Msg::Refresh => "Actualiser".into(),
        Msg::Refreshing => "Actualisation…".into(),
        Msg::UpdatedJustNow => "Mis à jour à l'instant".into(),
        Msg::AsOf { time } => format!("Données relevées à {time}"),
        Msg::RefreshAgainIn { seconds } => {
            format!(
                "Vous pourrez actualiser à nouveau dans {} s",
                int(l, seconds)
            )
        }
        Msg::Offline { time } => {
            format!("Vous êtes hors ligne. Voici les chiffres relevés à {time}.")
        }
        Msg::TryAgain => "Réessayer".into(),
        Msg::ErrorNetwork => "Impossible de joindre le service de consommation. Vérifiez \
            votre connexion\u{a0}; nous réessaierons automatiquement."
            .into(),
        Msg::ErrorSession => "Votre session a expiré. Rechargez la page ou reconnectez-vous \
            pour voir vos options."
            .into(),
        Msg::ErrorUnreadable => "Le service de consommation a envoyé une réponse illisible. \
            Veuillez réessayer plus tard."
            .into(),
        Msg::BackToAll => "← Toutes les options".into(),
        Msg::AddonGone => "Cette option ne figure plus sur cette eSIM. Elle a peut-être pris \
            fin et été retirée."
            .into(),
        Msg::PurchaseRegion => "Achat".into(),
        Msg::YourPurchase => "Votre achat".into(),
        Msg::OrderLine { order, product } => format!("Commande {order} · {product}"),
        Msg::Bought { when } => format!("Achetée le {when}"),
        Msg::EveryPurchaseOfPlan => "Tous les achats et renouvellements de ce forfait →".into(),
        Msg::Validity => "Validité".into(),
        Msg::ColumnAllowance => "Enveloppe".into(),
        Msg::ColumnStarts => "Début".into(),
        Msg::ColumnEnds => "Fin".into(),
        Msg::RowPlan => "Forfait".into(),
        Msg::Governs => "(déterminante)".into(),
        Msg::NotSetYet => "Pas encore fixée".into(),
        Msg::ValidityBenefitFirst => "L'enveloppe signalée prend fin avant le forfait\u{a0}: \
            c'est donc à ce moment que l'option cesse d'être utile."
            .into(),
        Msg::ValidityPlanGoverns => "C'est la fin du forfait qui compte pour cette option.".into(),
        Msg::ValidityNotStarted => "Cette option n'a pas encore démarré.".into(),
        Msg::ValidityOnFirstUse => "La validité commence à la première connexion de l'eSIM.".into(),
        Msg::Limits => "Plafonds".into(),
        Msg::CounterLeft {
            left,
            period: p,
            outcome: O::Other(then),
        } => format!("Il reste {left}{}, ensuite\u{a0}: {then}", period(p)),
        Msg::CounterLeft {
            left,
            period: p,
            outcome: o,
        } => format!("Il reste {left}{} avant {}", period(p), before(o)),
        Msg::CounterReached {
            limit,
            period: p,
            outcome: o,
        } => format!("Plafond de {limit} atteint{}\u{a0}: {}", period(p), now(o)),
        Msg::CounterLimit { limit } => format!("(plafond {limit})"),
        Msg::CounterResetsAt { time } => format!("remise à zéro à {time}"),
        Msg::FullSpeed => "Débit maximal".into(),
        Msg::YourTime { time } => format!("{time} chez vous"),
        Msg::ZoneTime { time, city } => format!("{time} heure de {city}"),
        Msg::BothTimes { local, sft, city } => {
            format!("{local} chez vous ({sft} heure de {city})")
        }
        Msg::ZoneTimeFirst { sft, city, local } => {
            format!("{sft} heure de {city} ({local} chez vous)")
        }
        Msg::PlanHistory => "Historique du forfait".into(),
        Msg::NothingForPlan => "Rien à afficher pour ce forfait pour l'instant.".into(),
        Msg::PlanHeading { plan, addon } => format!("{plan} · option {addon}"),
        Msg::BoughtAs { product, order } => {
            format!("Achetée sous le nom {product} (commande {order})")
        }
        Msg::AddedByOperator => "Ajoutée par l'opérateur".into(),
        Msg::Renewal { number } => format!("Renouvellement n°\u{a0}{}", int(l, number)),
        Msg::FromTime { time } => format!("Du {time}"),
        Msg::UntilTime { time } => format!("au {time}"),
        Msg::RunningLow {
            percent: p,
            benefit,
        } => format!(
            "Solde faible\u{a0}: plus que {} restant sur {benefit}",
            percent(l, p)
        ),
        Msg::VeryLow {
            percent: p,
            benefit,
        } if p <= 0.0 => format!("Plus rien sur {benefit}"),
        Msg::VeryLow {
            percent: p,
            benefit,
        } => format!(
            "Solde très faible\u{a0}: plus que {} restant sur {benefit}",
            percent(l, p)
        ),
        Msg::RunsOutBeforeExpiry { when, margin } => {
            format!("À ce rythme, votre solde sera épuisé {when}, {margin} avant l'expiration")
        }
        Msg::LastsUntilExpiry => "À ce rythme, votre solde tiendra jusqu'à l'expiration".into(),
        Msg::ExpiresWithinDay => "Expire dans moins de 24\u{a0}heures".into(),
        Msg::SpeedReduced { kbps, until: u } => {
            format!("Débit réduit à {} kbit/s{}", int(l, kbps), until(u))
        }
        Msg::DataBlocked { until: u } => format!("Données bloquées{}", until(u)),
        Msg::LimitRedirects { until: u } => format!(
            "Plafond atteint{}\u{a0}: rachetez des données pour continuer",
            until(u)
        ),
        Msg::ChargedOutOfBundle { until: u } => {
            format!("Consommation facturée hors forfait{}", until(u))
        }
        Msg::TopUp => "Recharger".into(),
        Msg::Renew => "Renouveler".into(),
        Msg::RatingLag => "La consommation est comptabilisée une fois votre trafic traité\u{a0}: \
            les chiffres peuvent avoir jusqu'à quelques heures de retard."
            .into(),
        Msg::GotIt => "Compris".into(),
        Msg::UnitsDecimal => format!(
            "Données affichées en Go (1 Go = {} octets)",
            int(l, 1_000_000_000_u32)
        ),
        Msg::UnitsBinary => format!(
            "Données affichées en Gio (1 Gio = {} octets)",
            int(l, 1_073_741_824_u32)
        ),
        Msg::WarnBelow { percent: p } => {
            format!("M'avertir quand il reste moins de {}", percent(l, p))
        }
        Msg::FiguresLeftOf { left, total } => format!("Il reste {left} sur {total}"),
        Msg::MarkSlowsDown => "Au repère sur la barre, votre débit est réduit.".into(),
        Msg::MarkStopsData => {
            "Au repère sur la barre, les données sont coupées jusqu'à la remise à zéro.".into()
        }
        Msg::MarkOpensShop => "Au repère sur la barre, la navigation ouvre la boutique.".into(),
        Msg::AskedToWait { seconds } => format!(
            "Le service de consommation nous demande de patienter. Réessayez dans {} s.",
            int(l, seconds)
        ),
        Msg::OfflineRefreshLater => {
            "Vous êtes hors ligne. Nous actualiserons dès votre retour en ligne.".into()
        }
        Msg::OfflineNothingYet => {
            "Vous êtes hors ligne. Vos options s'afficheront dès votre retour en ligne.".into()
        }
        Msg::FiguresAsOf { time } => format!("Chiffres relevés le {time}."),
        Msg::StaleFigures => "Le service de consommation ne répond pas\u{a0}; voici les \
            derniers chiffres qu'il a donnés."
            .into(),
        Msg::BeingActivated { product } => format!(
            "{product}\u{a0}: activation en cours sur votre eSIM. Cela prend généralement \
             quelques minutes."
        ),
        Msg::PaceAndForecast => "Rythme et prévision".into(),
        Msg::PaceAndForecastOf { kind } => format!("{kind}\u{a0}: rythme et prévision"),
        Msg::ForecastNeedsHistory {
            need,
            over,
            have,
            during,
        } => {
            let readings = |n| match is_one(l, n) {
                true => format!("{} relevé", int(l, n)),
                false => format!("{} relevés", int(l, n)),
            };
            format!(
                "Pas encore assez d'historique pour une prévision\u{a0}: il faut au moins {} \
                 sur {over} (pour l'instant {} sur {during}).",
                readings(need),
                readings(have)
            )
        }
        Msg::ForecastNothingLeft => "Plus rien à prévoir.".into(),
        Msg::ForecastNoUse => "Aucune consommation depuis le début des relevés\u{a0}: le solde \
            tiendra jusqu'à l'expiration."
            .into(),
        Msg::ForecastRunsOutBefore { pace, at, margin } => format!(
            "À ce rythme ({pace} par heure), le solde sera épuisé le {at}, {margin} avant \
             l'expiration."
        ),
        Msg::ForecastLasts { pace, left } => format!(
            "À ce rythme ({pace} par heure), le solde tiendra jusqu'à l'expiration, avec \
             environ {left} restants."
        ),
        Msg::ForecastRunsOut { pace, at } => {
            format!("À ce rythme ({pace} par heure), le solde sera épuisé le {at}.")
        }
        Msg::WarningSettings => "Réglages des alertes".into(),
        Msg::LowBalanceThreshold => "Alerte de solde faible (% restant)".into(),
        Msg::EnterWholePercent => "Saisissez un nombre entier entre 1 et 99.".into(),
        Msg::Labelled { label, text } => format!("{label}\u{a0}: {}", mid_sentence(text)),
        Msg::Joined { first, second } => format!("{first}\u{a0}; {second}"),
    }
}

/// German, addressing the traveler as "Sie".
fn german(l: &Locale, msg: Msg<'_>) -> String {
    use CounterOutcome as O;
    use CounterPeriod as P;
    let before = |outcome: CounterOutcome<'_>| match outcome {
        O::Throttle { kbps } => {
            format!("die Geschwindigkeit auf {} kbit/s sinkt", int(l, kbps))
        }
        O::Block => "die Datennutzung gesperrt wird".into(),
        O::Redirect => "Sie zum Nachkauf aufgefordert werden".into(),
        O::Charged => "die Nutzung außerhalb des Pakets berechnet wird".into(),
        O::Other(text) => text.into(),
    };
    let now = |outcome: CounterOutcome<'_>| match outcome {
        O::Throttle { kbps } => format!("Geschwindigkeit auf {} kbit/s gedrosselt", int(l, kbps)),
        O::Block => "Datennutzung gesperrt".into(),
        O::Redirect => "bitte Datenvolumen nachkaufen".into(),
        O::Charged => "Nutzung wird außerhalb des Pakets berechnet".into(),
        O::Other(text) => text.into(),
    };
    let period = |period| match period {
        P::Day => " für heute",
        P::Month => " in diesem Monat",
        P::Other => "",
    };
    let limit_name = |period| match period {
        P::Day => "Tageslimit",
        P::Month => "Monatslimit",
        P::Other => "Limit",
    };
    let until = |until: Option<&str>| until.map(|u| format!(" bis {u}")).unwrap_or_default();
    match msg {
        Msg::YourAddons => "Ihre Zusatzpakete".into(),
        Msg::LoadingEsims => "Ihre eSIMs werden geladen…".into(),
        Msg::NoEsims => "Sie haben noch keine eSIMs mit Zusatzpaketen.".into(),
        Msg::LoadingAddons => "Ihre Zusatzpakete werden geladen…".into(),
        Msg::NoAddonsOnEsim => "Auf dieser eSIM gibt es noch keine Zusatzpakete.".into(),
        Msg::GroupActive => "Aktiv".into(),
        Msg::GroupWaiting => "Noch nicht gestartet".into(),
        Msg::GroupEnded { count } => format!("Abgelaufen ({})", int(l, count)),
        Msg::ActiveAddons { count } if is_one(l, count) => {
            format!("{} aktives Zusatzpaket", int(l, count))
        }
        Msg::ActiveAddons { count } => format!("{} aktive Zusatzpakete", int(l, count)),
        Msg::DataLeftInAll { amount } => format!("{amount} Datenvolumen übrig"),
        Msg::NextChangeIn { span } => format!("noch {span} bis zur nächsten Änderung"),
        Msg::StatusNotStarted => "Startet bei erster Nutzung".into(),
        Msg::StatusScheduled => "Geplant".into(),
        Msg::StatusActive => "Aktiv".into(),
        Msg::StatusUsedUp => "Aufgebraucht".into(),
        Msg::StatusExpired => "Abgelaufen".into(),
        Msg::BeingSetUp => "Wird eingerichtet".into(),
        Msg::KindData => "Daten".into(),
        Msg::KindSms => "SMS".into(),
        Msg::KindCalls => "Anrufe".into(),
        Msg::KindCredit => "Guthaben".into(),
        Msg::AmountLeft { left, total } => format!("{left} von {total} übrig"),
        Msg::AllowanceLeft { kind } => format!("{kind}: verbleibend"),
        Msg::ValidUntil { kind, time } => format!("{kind} gültig bis {time}"),
        Msg::PlanNote { plan } => format!("SFT-Tarif: {plan}"),
        Msg::PlanDetails {
            plan,
            addon,
            instance,
        } => format!("SFT-Tarif: {plan} (Zusatzpaket {addon}, Instanz {instance})"),
        Msg::ExpiresIn { span } => format!("Noch {span} gültig"),
        Msg::StartsIn { span } => format!("Noch {span} bis zum Start"),
        Msg::StartingNow => "Startet jetzt".into(),
        Msg::EndedAgo { ago } => format!("Abgelaufen {ago}"),
        Msg::Refresh => "Aktualisieren".into(),
        Msg::Refreshing => "Wird aktualisiert…".into(),
        Msg::UpdatedJustNow => "Gerade aktualisiert".into(),
        Msg::AsOf { time } => format!("Stand: {time}"),
        Msg::RefreshAgainIn { seconds } => {
            format!("Sie können in {} s erneut aktualisieren", int(l, seconds))
        }
        Msg::Offline { time } => {
            format!("Sie sind offline. Angezeigt wird der Stand von {time}.")
        }
        Msg::TryAgain => "Erneut versuchen".into(),
        Msg::ErrorNetwork => "Der Verbrauchsdienst ist nicht erreichbar. Prüfen Sie Ihre \
            Verbindung; wir versuchen es erneut."
            .into(),
        Msg::ErrorSession => "Ihre Sitzung ist abgelaufen. Laden Sie die Seite neu oder melden \
            Sie sich erneut an, um Ihre Zusatzpakete zu sehen."
            .into(),
        Msg::ErrorUnreadable => "Der Verbrauchsdienst hat eine unlesbare Antwort geschickt. \
            Bitte versuchen Sie es später noch einmal."
            .into(),
        Msg::BackToAll => "← Alle Zusatzpakete".into(),
        Msg::AddonGone => "Dieses Zusatzpaket ist nicht mehr auf dieser eSIM. Vielleicht ist \
            es abgelaufen und wurde entfernt."
            .into(),
        Msg::PurchaseRegion => "Kauf".into(),
        Msg::YourPurchase => "Ihr Kauf".into(),
        Msg::OrderLine { order, product } => format!("Bestellung {order} · {product}"),
        Msg::Bought { when } => format!("Gekauft am {when}"),
        Msg::EveryPurchaseOfPlan => "Alle Käufe und Verlängerungen dieses Tarifs →".into(),
        Msg::Validity => "Gültigkeit".into(),
        Msg::ColumnAllowance => "Kontingent".into(),
        Msg::ColumnStarts => "Beginn".into(),
        Msg::ColumnEnds => "Ende".into(),
        Msg::RowPlan => "Tarif".into(),
        Msg::Governs => "(maßgeblich)".into(),
        Msg::NotSetYet => "Noch nicht festgelegt".into(),
        Msg::ValidityBenefitFirst => "Das markierte Kontingent endet vor dem Tarif; ab dann \
            ist dieses Zusatzpaket nicht mehr nutzbar."
            .into(),
        Msg::ValidityPlanGoverns => "Für dieses Zusatzpaket zählt das Ende des Tarifs.".into(),
        Msg::ValidityNotStarted => "Dieses Zusatzpaket hat noch nicht begonnen.".into(),
        Msg::ValidityOnFirstUse => {
            "Die Gültigkeit beginnt, sobald die eSIM zum ersten Mal Daten nutzt.".into()
        }
        Msg::Limits => "Limits".into(),
        Msg::CounterLeft {
            left,
            period: p,
            outcome: O::Other(then),
        } => format!("Noch {left}{}, danach: {then}", period(p)),
        Msg::CounterLeft {
            left,
            period: p,
            outcome: o,
        } => format!("Noch {left}{}, bevor {}", period(p), before(o)),
        Msg::CounterReached {
            limit,
            period: p,
            outcome: o,
        } => format!("{} von {limit} erreicht: {}", limit_name(p), now(o)),
        Msg::CounterLimit { limit } => format!("(Limit {limit})"),
        Msg::CounterResetsAt { time } => format!("wird um {time} zurückgesetzt"),
        Msg::FullSpeed => "Volle Geschwindigkeit".into(),
        Msg::YourTime { time } => format!("{time} bei Ihnen"),
        Msg::ZoneTime { time, city } => format!("{time} Ortszeit {city}"),
        Msg::BothTimes { local, sft, city } => {
            format!("{local} bei Ihnen ({sft} Ortszeit {city})")
        }
        Msg::ZoneTimeFirst { sft, city, local } => {
            format!("{sft} Ortszeit {city} ({local} bei Ihnen)")
        }
        Msg::PlanHistory => "Tarifverlauf".into(),
        Msg::NothingForPlan => "Zu diesem Tarif gibt es noch nichts anzuzeigen.".into(),
        Msg::PlanHeading { plan, addon } => format!("{plan} · Zusatzpaket {addon}"),
        Msg::BoughtAs { product, order } => {
            format!("Gekauft als {product} (Bestellung {order})")
        }
        Msg::AddedByOperator => "Vom Netzbetreiber hinzugefügt".into(),
        Msg::Renewal { number } => format!("{}. Verlängerung", int(l, number)),
        Msg::FromTime { time } => format!("Von {time}"),
        Msg::UntilTime { time } => format!("bis {time}"),
        Msg::RunningLow {
            percent: p,
            benefit,
        } => {
            format!("Wird knapp: nur noch {} von {benefit} übrig", percent(l, p))
        }
        Msg::VeryLow {
            percent: p,
            benefit,
        } if p <= 0.0 => format!("Aufgebraucht: {benefit}"),
        Msg::VeryLow {
            percent: p,
            benefit,
        } => {
            format!(
                "Fast aufgebraucht: nur noch {} von {benefit} übrig",
                percent(l, p)
            )
        }
        Msg::RunsOutBeforeExpiry { when, margin } => format!(
            "Bei diesem Tempo ist es {when} aufgebraucht, obwohl es noch {margin} gültig wäre"
        ),
        Msg::LastsUntilExpiry => "Reicht bei diesem Tempo bis zum Ablauf".into(),
        Msg::ExpiresWithinDay => "Läuft in weniger als 24 Stunden ab".into(),
        Msg::SpeedReduced { kbps, until: u } => {
            format!(
                "Geschwindigkeit{} auf {} kbit/s gedrosselt",
                until(u),
                int(l, kbps)
            )
        }
        Msg::DataBlocked { until: u } => format!("Daten{} gesperrt", until(u)),
        Msg::LimitRedirects { until: u } => format!(
            "Limit{} erreicht: Datenvolumen nachkaufen, um weiterzusurfen",
            until(u)
        ),
        Msg::ChargedOutOfBundle { until: u } => {
            format!("Nutzung wird{} außerhalb des Pakets berechnet", until(u))
        }
        Msg::TopUp => "Aufladen".into(),
        Msg::Renew => "Verlängern".into(),
        Msg::RatingLag => "Die Nutzung wird erst gezählt, wenn Ihr Datenverkehr abgerechnet \
            ist; die Zahlen können daher bis zu einige Stunden hinterherhinken."
            .into(),
        Msg::GotIt => "Verstanden".into(),
        Msg::UnitsDecimal => format!(
            "Datenmengen in GB (1 GB = {} Byte)",
            int(l, 1_000_000_000_u32)
        ),
        Msg::UnitsBinary => format!(
            "Datenmengen in GiB (1 GiB = {} Byte)",
            int(l, 1_073_741_824_u32)
        ),
        Msg::WarnBelow { percent: p } => {
            format!("Warnen, wenn weniger als {} übrig sind", percent(l, p))
        }
        Msg::FiguresLeftOf { left, total } => format!("{left} von {total} übrig"),
        Msg::MarkSlowsDown => "Ab der Markierung wird Ihre Geschwindigkeit gedrosselt.".into(),
        Msg::MarkStopsData => {
            "Ab der Markierung ist die Datennutzung bis zum Zurücksetzen gesperrt.".into()
        }
        Msg::MarkOpensShop => "Ab der Markierung öffnet sich beim Surfen der Shop.".into(),
        Msg::AskedToWait { seconds } => format!(
            "Der Verbrauchsdienst bittet um etwas Geduld. Versuchen Sie es in {} s erneut.",
            int(l, seconds)
        ),
        Msg::OfflineRefreshLater => {
            "Sie sind offline. Wir aktualisieren, sobald Sie wieder online sind.".into()
        }
        Msg::OfflineNothingYet => "Sie sind offline. Ihre Zusatzpakete erscheinen, sobald Sie \
            wieder online sind."
            .into(),
        Msg::FiguresAsOf { time } => format!("Stand: {time}."),
        Msg::StaleFigures => "Der Verbrauchsdienst antwortet nicht; dies sind die letzten \
            Zahlen, die er geliefert hat."
            .into(),
        Msg::BeingActivated { product } => format!(
            "{product}: wird auf Ihrer eSIM aktiviert. Das dauert meist nur wenige Minuten."
        ),
        Msg::PaceAndForecast => "Tempo und Prognose".into(),
        Msg::PaceAndForecastOf { kind } => format!("{kind}: Tempo und Prognose"),
        Msg::ForecastNeedsHistory {
            need,
            over,
            have,
            during,
        } => {
            let readings = |n| match is_one(l, n) {
                true => format!("{} Messung", int(l, n)),
                false => format!("{} Messungen", int(l, n)),
            };
            format!(
                "Für eine Prognose fehlt noch Verlauf: nötig sind mindestens {} über {over} \
                 (bisher {} über {during}).",
                readings(need),
                readings(have)
            )
        }
        Msg::ForecastNothingLeft => "Nichts mehr übrig, das sich vorhersagen ließe.".into(),
        Msg::ForecastNoUse => "Seit Beginn der Messungen kein Verbrauch: Es reicht bis zum \
            Ablauf."
            .into(),
        Msg::ForecastRunsOutBefore { pace, at, margin } => format!(
            "Bei diesem Tempo ({pace} pro Stunde) ist es am {at} aufgebraucht, {margin} vor \
             dem Ablauf."
        ),
        Msg::ForecastLasts { pace, left } => format!(
            "Bei diesem Tempo ({pace} pro Stunde) reicht es bis zum Ablauf, mit etwa {left} \
             Rest."
        ),
        Msg::ForecastRunsOut { pace, at } => {
            format!("Bei diesem Tempo ({pace} pro Stunde) ist es am {at} aufgebraucht.")
        }
        Msg::WarningSettings => "Warnungen einstellen".into(),
        Msg::LowBalanceThreshold => "Warnung bei niedrigem Guthaben (% übrig)".into(),
        Msg::EnterWholePercent => "Geben Sie eine ganze Zahl von 1 bis 99 ein.".into(),
        Msg::Labelled { label, text } => format!("{label}: {text}"),
        Msg::Joined { first, second } => format!("{first}; {second}"),
    }
}

/// Spanish, addressing the traveler as "tú".
fn spanish(l: &Locale, msg: Msg<'_>) -> String {
    use CounterOutcome as O;
    use CounterPeriod as P;
    let before = |outcome: CounterOutcome<'_>| match outcome {
        O::Throttle { kbps } => format!("la velocidad baje a {} kbps", int(l, kbps)),
        O::Block => "se bloqueen los datos".into(),
        O::Redirect => "tengas que comprar más".into(),
        O::Charged => "el consumo se cobre fuera del paquete".into(),
        O::Other(text) => text.into(),
    };
    let now = |outcome: CounterOutcome<'_>| match outcome {
        O::Throttle { kbps } => format!("velocidad reducida a {} kbps", int(l, kbps)),
        O::Block => "datos bloqueados".into(),
        O::Redirect => "compra más para seguir navegando".into(),
        O::Charged => "el consumo se cobra fuera del paquete".into(),
        O::Other(text) => text.into(),
    };
    let period = |period| match period {
        P::Day => " hoy",
        P::Month => " este mes",
        P::Other => "",
    };
    let limit_kind = |period| match period {
        P::Day => " diario",
        P::Month => " mensual",
        P::Other => "",
    };
    let until = |until: Option<&str>| until.map(|u| format!(" hasta {u}")).unwrap_or_default();
    match msg {
        Msg::YourAddons => "Tus bonos".into(),
        Msg::LoadingEsims => "Cargando tus eSIM…".into(),
        Msg::NoEsims => "Todavía no tienes eSIM con bonos.".into(),
        Msg::LoadingAddons => "Cargando tus bonos…".into(),
        Msg::NoAddonsOnEsim => "Esta eSIM aún no tiene bonos.".into(),
        Msg::GroupActive => "Activos".into(),
        Msg::GroupWaiting => "Pendientes de empezar".into(),
        Msg::GroupEnded { count } => format!("Finalizados ({})", int(l, count)),
        Msg::ActiveAddons { count } if is_one(l, count) => {
            format!("{} bono activo", int(l, count))
        }
        Msg::ActiveAddons { count } => format!("{} bonos activos", int(l, count)),
        Msg::DataLeftInAll { amount } => format!("{amount} de datos disponibles"),
        Msg::NextChangeIn { span } => format!("próximo cambio en {span}"),
        Msg::StatusNotStarted => "Empieza con el primer uso".into(),
        Msg::StatusScheduled => "Programado".into(),
        Msg::StatusActive => "Activo".into(),
        Msg::StatusUsedUp => "Agotado".into(),
        Msg::StatusExpired => "Caducado".into(),
        Msg::BeingSetUp => "Preparándose".into(),
        Msg::KindData => "Datos".into(),
        Msg::KindSms => "SMS".into(),
        Msg::KindCalls => "Llamadas".into(),
        Msg::KindCredit => "Saldo".into(),
        Msg::AmountLeft { left, total } => format!("Disponible: {left} de {total}"),
        Msg::AllowanceLeft { kind } => format!("{kind}: disponible"),
        Msg::ValidUntil { kind, time } => format!("{kind}: válido hasta {time}"),
        Msg::PlanNote { plan } => format!("Plan SFT: {plan}"),
        Msg::PlanDetails {
            plan,
            addon,
            instance,
        } => format!("Plan SFT: {plan} (bono {addon}, instancia {instance})"),
        Msg::ExpiresIn { span } => format!("Caduca en {span}"),
        Msg::StartsIn { span } => format!("Empieza en {span}"),
        Msg::StartingNow => "Empieza ahora".into(),
        Msg::EndedAgo { ago } => format!("Finalizó {ago}"),
        Msg::Refresh => "Actualizar".into(),
        Msg::Refreshing => "Actualizando…".into(),
        Msg::UpdatedJustNow => "Actualizado ahora mismo".into(),
        Msg::AsOf { time } => format!("Datos de las {time}"),
        Msg::RefreshAgainIn { seconds } => {
            format!("Podrás volver a actualizar en {} s", int(l, seconds))
        }
        Msg::Offline { time } => {
            format!("Estás sin conexión. Se muestran las cifras de las {time}.")
        }
        Msg::TryAgain => "Reintentar".into(),
        Msg::ErrorNetwork => "No se puede conectar con el servicio de consumo. Comprueba tu \
            conexión; lo volveremos a intentar."
            .into(),
        Msg::ErrorSession => "Tu sesión ha caducado. Recarga la página o vuelve a iniciar \
            sesión para ver tus bonos."
            .into(),
        Msg::ErrorUnreadable => "El servicio de consumo ha enviado una respuesta que no \
            podemos leer. Vuelve a intentarlo más tarde."
            .into(),
        Msg::BackToAll => "← Todos los bonos".into(),
        Msg::AddonGone => "Este bono ya no está en esta eSIM. Puede que haya finalizado y se \
            haya retirado."
            .into(),
        Msg::PurchaseRegion => "Compra".into(),
        Msg::YourPurchase => "Tu compra".into(),
        Msg::OrderLine { order, product } => format!("Pedido {order} · {product}"),
        Msg::Bought { when } => format!("Comprado el {when}"),
        Msg::EveryPurchaseOfPlan => "Todas las compras y renovaciones de este plan →".into(),
        Msg::Validity => "Validez".into(),
        Msg::ColumnAllowance => "Saldo".into(),
        Msg::ColumnStarts => "Inicio".into(),
        Msg::ColumnEnds => "Fin".into(),
        Msg::RowPlan => "Plan".into(),
        Msg::Governs => "(determinante)".into(),
        Msg::NotSetYet => "Aún sin fijar".into(),
        Msg::ValidityBenefitFirst => "El saldo marcado termina antes que el plan, así que ahí \
            es cuando este bono deja de ser útil."
            .into(),
        Msg::ValidityPlanGoverns => "Lo que cuenta para este bono es el fin del plan.".into(),
        Msg::ValidityNotStarted => "Este bono aún no ha empezado.".into(),
        Msg::ValidityOnFirstUse => {
            "La validez empieza cuando la eSIM usa datos por primera vez.".into()
        }
        Msg::Limits => "Límites".into(),
        Msg::CounterLeft {
            left,
            period: p,
            outcome: O::Other(then),
        } => format!("Puedes usar {left} más{}; después: {then}", period(p)),
        Msg::CounterLeft {
            left,
            period: p,
            outcome: o,
        } => format!(
            "Puedes usar {left} más{} antes de que {}",
            period(p),
            before(o)
        ),
        Msg::CounterReached {
            limit,
            period: p,
            outcome: o,
        } => format!("Límite{} de {limit} alcanzado: {}", limit_kind(p), now(o)),
        Msg::CounterLimit { limit } => format!("(límite {limit})"),
        Msg::CounterResetsAt { time } => format!("se reinicia a las {time}"),
        Msg::FullSpeed => "Velocidad máxima".into(),
        Msg::YourTime { time } => format!("{time} hora local"),
        Msg::ZoneTime { time, city } => format!("{time} hora de {city}"),
        Msg::BothTimes { local, sft, city } => {
            format!("{local} hora local ({sft} hora de {city})")
        }
        Msg::ZoneTimeFirst { sft, city, local } => {
            format!("{sft} hora de {city} ({local} hora local)")
        }
        Msg::PlanHistory => "Historial del plan".into(),
        Msg::NothingForPlan => "Todavía no hay nada que mostrar de este plan.".into(),
        Msg::PlanHeading { plan, addon } => format!("{plan} · bono {addon}"),
        Msg::BoughtAs { product, order } => {
            format!("Comprado como {product} (pedido {order})")
        }
        Msg::AddedByOperator => "Añadido por el operador".into(),
        Msg::Renewal { number } => format!("Renovación n.º {}", int(l, number)),
        Msg::FromTime { time } => format!("Desde {time}"),
        Msg::UntilTime { time } => format!("hasta {time}"),
        Msg::RunningLow {
            percent: p,
            benefit,
        } => {
            format!("Saldo bajo: queda el {} de {benefit}", percent(l, p))
        }
        Msg::VeryLow {
            percent: p,
            benefit,
        } if p <= 0.0 => format!("No queda nada de {benefit}"),
        Msg::VeryLow {
            percent: p,
            benefit,
        } => {
            format!(
                "Saldo muy bajo: solo queda el {} de {benefit}",
                percent(l, p)
            )
        }
        Msg::RunsOutBeforeExpiry { when, margin } => {
            format!("A este ritmo se agotará {when}, {margin} antes de caducar")
        }
        Msg::LastsUntilExpiry => "A este ritmo te durará hasta que caduque".into(),
        Msg::ExpiresWithinDay => "Caduca en menos de 24 horas".into(),
        Msg::SpeedReduced { kbps, until: u } => {
            format!("Velocidad reducida a {} kbps{}", int(l, kbps), until(u))
        }
        Msg::DataBlocked { until: u } => format!("Datos bloqueados{}", until(u)),
        Msg::LimitRedirects { until: u } => format!(
            "Límite alcanzado{}: compra más datos para seguir navegando",
            until(u)
        ),
        Msg::ChargedOutOfBundle { until: u } => {
            format!("El consumo se cobra fuera del paquete{}", until(u))
        }
        Msg::TopUp => "Recargar".into(),
        Msg::Renew => "Renovar".into(),
        Msg::RatingLag => "El consumo se contabiliza cuando se procesa tu tráfico, así que las \
            cifras pueden llevar unas horas de retraso."
            .into(),
        Msg::GotIt => "Entendido".into(),
        Msg::UnitsDecimal => format!("Datos en GB (1 GB = {} bytes)", int(l, 1_000_000_000_u32)),
        Msg::UnitsBinary => format!("Datos en GiB (1 GiB = {} bytes)", int(l, 1_073_741_824_u32)),
        Msg::WarnBelow { percent: p } => {
            format!("Avisarme cuando quede menos del {}", percent(l, p))
        }
        Msg::FiguresLeftOf { left, total } => format!("Disponible: {left} de {total}"),
        Msg::MarkSlowsDown => "A partir de la marca de la barra, se reduce tu velocidad.".into(),
        Msg::MarkStopsData => "A partir de la marca de la barra, los datos se cortan hasta \
            que se reinicie el límite."
            .into(),
        Msg::MarkOpensShop => {
            "A partir de la marca de la barra, al navegar se abre la tienda.".into()
        }
        Msg::AskedToWait { seconds } => format!(
            "El servicio de consumo nos pide esperar. Vuelve a intentarlo en {} s.",
            int(l, seconds)
        ),
        Msg::OfflineRefreshLater => {
            "Estás sin conexión. Actualizaremos cuando vuelvas a estar en línea.".into()
        }
        Msg::OfflineNothingYet => {
            "Estás sin conexión. Tus bonos aparecerán cuando vuelvas a estar en línea.".into()
        }
        Msg::FiguresAsOf { time } => format!("Cifras del {time}."),
        Msg::StaleFigures => "El servicio de consumo no responde; estas son las últimas cifras \
            que dio."
            .into(),
        Msg::BeingActivated { product } => {
            format!("{product}: lo estamos activando en tu eSIM. Suele tardar unos minutos.")
        }
        Msg::PaceAndForecast => "Ritmo y previsión".into(),
        Msg::PaceAndForecastOf { kind } => format!("{kind}: ritmo y previsión"),
        Msg::ForecastNeedsHistory {
            need,
            over,
            have,
            during,
        } => {
            let readings = |n| match is_one(l, n) {
                true => format!("{} lectura", int(l, n)),
                false => format!("{} lecturas", int(l, n)),
            };
            format!(
                "Aún no hay historial suficiente para una previsión: hacen falta al menos {} \
                 en {over} (por ahora {} en {during}).",
                readings(need),
                readings(have)
            )
        }
        Msg::ForecastNothingLeft => "No queda nada que prever.".into(),
        Msg::ForecastNoUse => {
            "Sin consumo desde que empezaron las lecturas: durará hasta que caduque.".into()
        }
        Msg::ForecastRunsOutBefore { pace, at, margin } => {
            format!("A este ritmo ({pace} por hora) se agotará el {at}, {margin} antes de caducar.")
        }
        Msg::ForecastLasts { pace, left } => format!(
            "A este ritmo ({pace} por hora) durará hasta que caduque, con unos {left} de sobra."
        ),
        Msg::ForecastRunsOut { pace, at } => {
            format!("A este ritmo ({pace} por hora) se agotará el {at}.")
        }
        Msg::WarningSettings => "Ajustes de avisos".into(),
        Msg::LowBalanceThreshold => "Aviso de saldo bajo (% disponible)".into(),
        Msg::EnterWholePercent => "Introduce un número entero entre 1 y 99.".into(),
        Msg::Labelled { label, text } => format!("{label}: {}", mid_sentence(text)),
        Msg::Joined { first, second } => format!("{first}; {second}"),
    }
}

/// Whether `count` takes the language's singular form ("one"), by `Intl.PluralRules`;
/// by the CLDR rule for whole numbers when the browser refuses.
pub fn is_one(locale: &Locale, count: u32) -> bool {
    let category = intl_call(
        "PluralRules",
        &locale.tag,
        &[],
        "select",
        &JsValue::from_f64(count as f64),
    );
    match category {
        Some(category) => category == "one",
        None if locale.catalog == Lang::Fr => count <= 1,
        None => count == 1,
    }
}

/// A number the locale's way with at most one decimal: "3.3", "3,3", "1,234".
pub fn number(locale: &Locale, value: f64) -> String {
    format_number(locale, value, &[("maximumFractionDigits", 1.into())])
        .unwrap_or_else(|| trim_point_zero(format!("{value:.1}")))
}

/// A whole number the locale's way: "1,234", "1 234", "1.234".
fn int(locale: &Locale, value: impl Into<f64>) -> String {
    let value = value.into();
    format_number(locale, value, &[("maximumFractionDigits", 0.into())])
        .unwrap_or_else(|| format!("{value:.0}"))
}

/// A share in percent (`15.0` → "15%", "15 %"), rounded to a whole percent.
pub fn percent(locale: &Locale, percent: f64) -> String {
    let options = [
        ("style", "percent".into()),
        ("maximumFractionDigits", 0.into()),
    ];
    format_number(locale, percent / 100.0, &options).unwrap_or_else(|| format!("{percent:.0}%"))
}

/// A data amount in the locale's numbers and unit symbols, with one decimal below 100
/// units: "3.3 GB", "3,3 Go" (French writes octets), "10 GiB", "512 Mio".
pub fn data_amount(locale: &Locale, bytes: i64, units: UnitSystem) -> String {
    let (base, symbols) = match (units, locale.catalog) {
        (UnitSystem::Decimal, Lang::Fr) => (1000.0, ["o", "ko", "Mo", "Go", "To"]),
        (UnitSystem::Decimal, _) => (1000.0, ["B", "kB", "MB", "GB", "TB"]),
        (UnitSystem::Binary, Lang::Fr) => (1024.0, ["o", "Kio", "Mio", "Gio", "Tio"]),
        (UnitSystem::Binary, _) => (1024.0, ["B", "KiB", "MiB", "GiB", "TiB"]),
    };
    let mut value = bytes.unsigned_abs() as f64;
    let mut unit = 0;
    while value >= base && unit < symbols.len() - 1 {
        value /= base;
        unit += 1;
    }
    let value = if bytes < 0 { -value } else { value };
    let text = if unit > 0 && value.abs() < 99.95 {
        number(locale, value)
    } else {
        int(locale, value.round())
    };
    format!("{text} {}", symbols[unit])
}

/// An amount of a benefit in the unit its kind calls for: data as [`data_amount`],
/// "41 SMS", calls in minutes ("10 min", "10 Min."), credit with two decimals.
pub fn amount(locale: &Locale, kind: &BenefitKind, amount: i64, units: UnitSystem) -> String {
    match kind {
        BenefitKind::Data => data_amount(locale, amount, units),
        BenefitKind::Sms => format!("{} SMS", int(locale, amount as f64)),
        BenefitKind::Voice => unit(locale, "minute", amount.div_euclid(60), false),
        BenefitKind::Credit => {
            let options = [
                ("minimumFractionDigits", 2.into()),
                ("maximumFractionDigits", 2.into()),
            ];
            let value = amount as f64 / 100.0;
            format_number(locale, value, &options).unwrap_or_else(|| format!("{value:.2}"))
        }
        BenefitKind::Other(_) => int(locale, amount as f64),
    }
}

/// A span of `seconds` the short way a traveler glances at, like core's `short_span`
/// but in the locale: "16 days 9 h", "16 jours 9 h", "16 Tage 9 Std.", "16 días 9 h";
/// below a day hours and minutes, below an hour minutes and seconds ("4 min 05 s").
/// Negative spans are written as zero.
pub fn span(locale: &Locale, seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (days, hours) = (seconds / 86_400, (seconds % 86_400) / 3_600);
    let (minutes, secs) = ((seconds % 3_600) / 60, seconds % 60);
    let parts = match (days, hours) {
        (1.., _) => [
            unit(locale, "day", days, true),
            unit(locale, "hour", hours, false),
        ],
        (0, 1..) => [
            unit(locale, "hour", hours, false),
            unit(locale, "minute", minutes, false),
        ],
        _ => [
            unit(locale, "minute", minutes, false),
            unit(locale, "second", secs, false),
        ],
    };
    if parts.iter().any(String::is_empty) {
        return short_span(seconds);
    }
    // "1 h", not "1 h 0 min"; "2 days", not "2 days 0 h". Under an hour both parts stay,
    // so a ticking countdown keeps its shape ("4 min 05 s").
    let whole = (days > 0 && hours == 0) || (days == 0 && hours > 0 && minutes == 0);
    if whole {
        return parts[0].clone();
    }
    parts.join(" ")
}

/// "5 days", "9 h", "05 s" in the locale: days written out, smaller units short
/// (English keeps "h", "min" and "s" where `Intl` would write "hr" and "sec"). Seconds
/// get two digits. Empty when the browser refuses.
fn unit(locale: &Locale, unit: &str, value: i64, long: bool) -> String {
    let digits = if unit == "second" { 2 } else { 1 };
    if locale.catalog == Lang::En && !long {
        let symbol = match unit {
            "hour" => "h",
            "minute" => "min",
            _ => "s",
        };
        let options = [("minimumIntegerDigits", digits.into())];
        let number = format_number(locale, value as f64, &options);
        return number.map(|n| format!("{n} {symbol}")).unwrap_or_default();
    }
    let options = [
        ("style", "unit".into()),
        ("unit", unit.into()),
        ("unitDisplay", if long { "long" } else { "short" }.into()),
        ("minimumIntegerDigits", digits.into()),
    ];
    format_number(locale, value as f64, &options).unwrap_or_default()
}

/// A time relative to now, from `seconds` (negative for the past): "in 3 days",
/// "tomorrow", "2 hours ago", "il y a 2 heures", "vor 2 Stunden", "dentro de 3 días".
/// The unit is the largest that fits, rounded.
pub fn relative_time(locale: &Locale, seconds: i64) -> String {
    relative(locale, seconds, "auto")
}

/// [`relative_time`] with `Intl`'s `numeric` option: `auto` allows "tomorrow" and
/// "yesterday", `always` keeps a number ("1 day ago") where a word would not fit the
/// sentence (German "Abgelaufen gestern").
fn relative(locale: &Locale, seconds: i64, numeric: &str) -> String {
    let size = seconds.unsigned_abs();
    let (unit, per) = match size {
        0..60 => ("second", 1),
        60..3_600 => ("minute", 60),
        3_600..86_400 => ("hour", 3_600),
        _ => ("day", 86_400),
    };
    let value = (seconds as f64 / per as f64).round();
    let options = [("numeric", JsValue::from(numeric))];
    let args = js_sys::Array::of2(&JsValue::from_f64(value), &unit.into());
    intl("RelativeTimeFormat", &locale.tag, &options)
        .and_then(|instance| call(&instance, "format", &args))
        .unwrap_or_else(|| span(locale, seconds.abs()))
}

/// Formats `value` with an `Intl.NumberFormat` for the locale and options.
fn format_number(locale: &Locale, value: f64, options: &[(&str, JsValue)]) -> Option<String> {
    intl_call(
        "NumberFormat",
        &locale.tag,
        options,
        "format",
        &JsValue::from_f64(value),
    )
}

/// Builds `new Intl[constructor](tag, options)` and calls `method(argument)` on it.
fn intl_call(
    constructor: &str,
    tag: &str,
    options: &[(&str, JsValue)],
    method: &str,
    argument: &JsValue,
) -> Option<String> {
    let instance = intl(constructor, tag, options)?;
    call(&instance, method, &js_sys::Array::of1(argument))
}

/// `new Intl[constructor](tag, options)`; `None` when `Intl` lacks it or it throws (an
/// invalid tag or an option the browser does not support).
fn intl(constructor: &str, tag: &str, options: &[(&str, JsValue)]) -> Option<JsValue> {
    // Building an Intl object is the expensive part (every countdown tick formats), so
    // each distinct one is built once per page and reused.
    let key = intl_key(constructor, tag, options);
    if let Some(found) = INTL_CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Some(found);
    }
    let built = build_intl(constructor, tag, options)?;
    INTL_CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= INTL_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, built.clone());
    });
    Some(built)
}

/// How many Intl objects are kept at most (a handful per locale and unit in practice).
const INTL_CACHE_LIMIT: usize = 256;

thread_local! {
    static INTL_CACHE: std::cell::RefCell<std::collections::HashMap<String, JsValue>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The cache key of an Intl object: its constructor, tag and options.
pub(crate) fn intl_key(constructor: &str, tag: &str, options: &[(&str, JsValue)]) -> String {
    let mut key = format!("{constructor}|{tag}");
    for (name, value) in options {
        let text = value
            .as_string()
            .or_else(|| value.as_f64().map(|n| n.to_string()))
            .or_else(|| value.as_bool().map(|b| b.to_string()))
            .unwrap_or_default();
        key.push_str(&format!("|{name}={text}"));
    }
    key
}

fn build_intl(constructor: &str, tag: &str, options: &[(&str, JsValue)]) -> Option<JsValue> {
    let opts = js_sys::Object::new();
    for (key, value) in options {
        js_sys::Reflect::set(&opts, &(*key).into(), value).ok()?;
    }
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor = js_sys::Reflect::get(&intl, &constructor.into()).ok()?;
    if !constructor.is_function() {
        return None;
    }
    let arguments = js_sys::Array::of2(&tag.into(), &opts);
    js_sys::Reflect::construct(&constructor.into(), &arguments).ok()
}

/// Calls `instance[method](...args)` and reads a string back, catching exceptions.
fn call(instance: &JsValue, method: &str, args: &js_sys::Array) -> Option<String> {
    let function = js_sys::Reflect::get(instance, &method.into()).ok()?;
    if !function.is_function() {
        return None;
    }
    js_sys::Reflect::apply(&function.into(), instance, args)
        .ok()?
        .as_string()
}

/// The canonical form of a BCP 47 tag (`FR-ca` → `fr-CA`); `None` when it is invalid.
fn canonical_tag(tag: &str) -> Option<String> {
    if tag.is_empty() {
        return None;
    }
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let function = js_sys::Reflect::get(&intl, &"getCanonicalLocales".into()).ok()?;
    if !function.is_function() {
        return Some(tag.to_owned());
    }
    let list =
        js_sys::Reflect::apply(&function.into(), &intl, &js_sys::Array::of1(&tag.into())).ok()?;
    js_sys::Reflect::get_u32(&list, 0).ok()?.as_string()
}

/// A message as it reads inside a longer sentence, after a comma: "Expires in 3 days"
/// becomes "expires in 3 days". German keeps its capitals, which may be nouns.
pub fn continue_sentence(locale: &Locale, text: &str) -> String {
    match locale.catalog {
        Lang::De => text.to_owned(),
        _ => mid_sentence(text),
    }
}

/// A sentence as it continues after a colon in French and Spanish: "Il reste…" becomes
/// "il reste…"; a word in capitals ("SMS", "GB") or a lone capital keeps its case.
fn mid_sentence(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_owned(),
    }
}

fn trim_point_zero(text: String) -> String {
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

// In the browser only: every helper here calls `Intl`.
#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    const LANGS: [Lang; 4] = [Lang::En, Lang::Fr, Lang::De, Lang::Es];

    fn locale(tag: &str) -> Locale {
        Locale::from_tag(tag).unwrap_or_else(|| panic!("{tag} has no catalog"))
    }

    fn catalog(lang: Lang) -> Locale {
        let tag = match lang {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Es => "es",
        };
        locale(tag)
    }

    /// What the browser running the tests prefers, by the navigator's first language.
    fn browser_locale() -> Locale {
        let language = web_sys::window().and_then(|w| w.navigator().language());

        language
            .and_then(|l| Locale::from_tag(&l))
            .unwrap_or_default()
    }

    /// The text with every kind of space as a plain one, so tests need not spell out
    /// the no-break spaces `Intl` and French typography use.
    fn plain(text: String) -> String {
        text.replace(['\u{a0}', '\u{202f}'], " ")
    }

    #[wasm_bindgen_test]
    fn every_message_has_a_text_in_every_language() {
        let messages = every_message();

        for lang in LANGS {
            for msg in &messages {
                let text = t(&catalog(lang), *msg);

                assert!(!text.trim().is_empty(), "{lang:?} {msg:?}");
                assert!(!text.contains('{'), "{lang:?} {msg:?}: {text}");
            }
        }
    }

    #[wasm_bindgen_test]
    fn languages_are_told_apart_by_their_catalogs() {
        let texts: Vec<String> = LANGS
            .iter()
            .map(|lang| t(&catalog(*lang), Msg::YourAddons))
            .collect();

        assert_eq!(
            texts,
            [
                "Your add-ons",
                "Vos options",
                "Ihre Zusatzpakete",
                "Tus bonos"
            ]
        );
    }

    #[wasm_bindgen_test]
    fn the_first_candidate_with_a_catalog_decides_the_locale() {
        let cases: [(&[&str], Lang, &str); 12] = [
            (&["fr-CA", "de"], Lang::Fr, "fr-CA"),
            (&["de_AT"], Lang::De, "de-AT"),
            (&["ES-mx"], Lang::Es, "es-MX"),
            (&["en-GB"], Lang::En, "en-GB"),
            (&["ja", "es"], Lang::Es, "es"),
            (&["", "  ", "de"], Lang::De, "de"),
            (&["not a tag!", "fr"], Lang::Fr, "fr"),
            (&["ja", "zh-Hant"], Lang::En, "en"),
            (&[], Lang::En, "en"),
            // A bare language borrows the region of a later candidate of that language.
            (&["en", "en-GB", "en"], Lang::En, "en-GB"),
            (&["fr", "de-CH", "fr-BE"], Lang::Fr, "fr-BE"),
            (&["de", "fr-FR"], Lang::De, "de"),
        ];

        for (candidates, catalog, tag) in cases {
            let locale = first_supported(candidates.iter().copied());

            assert_eq!(locale.catalog, catalog, "{candidates:?}");
            assert_eq!(locale.tag, tag, "{candidates:?}");
        }
    }

    #[wasm_bindgen_test]
    fn the_attribute_wins_over_the_page_and_the_page_over_the_browser() {
        let html = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .expect("a test page has an <html> element");
        let before = html.get_attribute("lang");
        html.set_attribute("lang", "de-CH")
            .expect("lang is settable");

        let from_attribute = resolve_locale(Some("es"));
        let from_page = resolve_locale(None);
        let unsupported_attribute = resolve_locale(Some("ja"));
        html.remove_attribute("lang").expect("lang is removable");
        let from_browser = resolve_locale(None);
        if let Some(lang) = before {
            html.set_attribute("lang", &lang).expect("lang is settable");
        }

        assert_eq!(from_attribute.tag, "es");
        assert_eq!(from_page.tag, "de-CH");
        assert_eq!(unsupported_attribute.tag, "de-CH");
        assert_eq!(from_browser, browser_locale());
    }

    #[wasm_bindgen_test]
    fn plurals_follow_each_languages_rules() {
        let cases = [
            (
                "en",
                [
                    (0, "0 active add-ons"),
                    (1, "1 active add-on"),
                    (2, "2 active add-ons"),
                ],
            ),
            (
                "fr",
                [
                    (0, "0 option active"),
                    (1, "1 option active"),
                    (2, "2 options actives"),
                ],
            ),
            (
                "de",
                [
                    (0, "0 aktive Zusatzpakete"),
                    (1, "1 aktives Zusatzpaket"),
                    (2, "2 aktive Zusatzpakete"),
                ],
            ),
            (
                "es",
                [
                    (0, "0 bonos activos"),
                    (1, "1 bono activo"),
                    (2, "2 bonos activos"),
                ],
            ),
        ];

        for (tag, expectations) in cases {
            for (count, expected) in expectations {
                let text = t(&locale(tag), Msg::ActiveAddons { count });

                assert_eq!(text, expected, "{tag} {count}");
            }
        }
    }

    #[wasm_bindgen_test]
    fn intl_plural_rules_agree_with_the_fallback_rules() {
        for lang in LANGS {
            for count in [0, 1, 2, 5, 21, 100, 1_000] {
                let fallback = match lang {
                    Lang::Fr => count <= 1,
                    _ => count == 1,
                };

                assert_eq!(is_one(&catalog(lang), count), fallback, "{lang:?} {count}");
            }
        }
    }

    #[wasm_bindgen_test]
    fn numbers_use_the_locales_separators() {
        let cases = [
            ("en", 3.33, "3.3"),
            ("fr", 3.33, "3,3"),
            ("de", 3.33, "3,3"),
            ("es", 3.33, "3,3"),
            ("en", 1234.0, "1,234"),
            ("fr-CA", 1234.5, "1 234,5"),
            ("de", 1234.0, "1.234"),
            ("en", 2.0, "2"),
        ];

        for (tag, value, expected) in cases {
            assert_eq!(
                plain(number(&locale(tag), value)),
                expected,
                "{tag} {value}"
            );
        }
    }

    #[wasm_bindgen_test]
    fn percentages_round_to_whole_percent() {
        let cases = [
            ("en", 15.4, "15%"),
            ("fr", 15.4, "15 %"),
            ("de", 9.6, "10 %"),
        ];

        for (tag, value, expected) in cases {
            assert_eq!(
                plain(percent(&locale(tag), value)),
                expected,
                "{tag} {value}"
            );
        }
    }

    #[wasm_bindgen_test]
    fn data_amounts_use_the_locales_numbers_and_symbols() {
        let (decimal, binary) = (UnitSystem::Decimal, UnitSystem::Binary);
        let cases = [
            ("en", 3_328_599_654, decimal, "3.3 GB"),
            ("fr", 3_328_599_654, decimal, "3,3 Go"),
            ("de", 3_328_599_654, decimal, "3,3 GB"),
            ("es", 3_328_599_654, decimal, "3,3 GB"),
            ("fr", 91_268_055, decimal, "91,3 Mo"),
            ("fr", 999, decimal, "999 o"),
            ("en", 912_680_550, decimal, "913 MB"),
            ("en", 10_737_418_240, binary, "10 GiB"),
            ("fr", 536_870_912, binary, "512 Mio"),
            ("de", 1_610_612_736, binary, "1,5 GiB"),
            ("en", -2_500_000, decimal, "-2.5 MB"),
            ("en", 0, decimal, "0 B"),
        ];

        for (tag, bytes, units, expected) in cases {
            let text = plain(data_amount(&locale(tag), bytes, units));

            assert_eq!(text, expected, "{tag} {bytes} {units:?}");
        }
    }

    #[wasm_bindgen_test]
    fn other_amounts_use_their_kinds_units() {
        let units = UnitSystem::Decimal;
        let cases = [
            ("en", BenefitKind::Sms, 41, "41 SMS"),
            ("en", BenefitKind::Voice, 600, "10 min"),
            ("de", BenefitKind::Voice, 600, "10 Min."),
            ("en", BenefitKind::Credit, 1250, "12.50"),
            ("fr", BenefitKind::Credit, 1250, "12,50"),
            ("en", BenefitKind::Other("POINTS".into()), 7, "7"),
        ];

        for (tag, kind, value, expected) in cases {
            let text = plain(amount(&locale(tag), &kind, value, units));

            assert_eq!(text, expected, "{tag} {kind:?}");
        }
    }

    #[wasm_bindgen_test]
    fn spans_read_naturally_in_each_language() {
        let long = 16 * 86_400 + 9 * 3_600 + 59;
        let cases = [
            ("en", long, "16 days 9 h"),
            ("fr", long, "16 jours 9 h"),
            ("de", long, "16 Tage 9 Std."),
            ("es", long, "16 días 9 h"),
            ("en", 86_400 + 3_600, "1 day 1 h"),
            ("de", 86_400, "1 Tag"),
            ("en", 3_600, "1 h"),
            ("en", 2 * 86_400 + 59, "2 days"),
            ("en", 5 * 3_600 + 12 * 60 + 7, "5 h 12 min"),
            ("de", 5 * 3_600 + 12 * 60, "5 Std. 12 Min."),
            ("en", 4 * 60 + 5, "4 min 05 s"),
            ("fr", 4 * 60 + 5, "4 min 05 s"),
            ("en", -30, "0 min 00 s"),
        ];

        for (tag, seconds, expected) in cases {
            assert_eq!(
                plain(span(&locale(tag), seconds)),
                expected,
                "{tag} {seconds}"
            );
        }
    }

    #[wasm_bindgen_test]
    fn relative_times_pick_the_largest_unit() {
        let cases = [
            ("en", 3 * 86_400, "in 3 days"),
            ("en", 86_400, "tomorrow"),
            ("en", -2 * 3_600, "2 hours ago"),
            ("fr", -2 * 3_600, "il y a 2 heures"),
            ("de", -16 * 86_400, "vor 16 Tagen"),
            ("es", 3 * 86_400, "dentro de 3 días"),
            ("en", -90, "2 minutes ago"),
        ];

        for (tag, seconds, expected) in cases {
            let text = plain(relative_time(&locale(tag), seconds));

            assert_eq!(text, expected, "{tag} {seconds}");
        }
    }

    #[wasm_bindgen_test]
    fn countdowns_say_what_happens_at_the_deadline() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap();
        let later = Utc.with_ymd_and_hms(2026, 12, 4, 11, 30, 0).unwrap();
        let earlier = Utc.with_ymd_and_hms(2026, 12, 4, 7, 0, 0).unwrap();
        let cases = [
            ("en", Deadline::EndsAt(later), "Expires in 2 h 30 min"),
            ("fr", Deadline::EndsAt(later), "Expire dans 2 h 30 min"),
            ("de", Deadline::EndsAt(later), "Noch 2 Std. 30 Min. gültig"),
            ("es", Deadline::StartsAt(later), "Empieza en 2 h 30 min"),
            (
                "de",
                Deadline::StartsAt(later),
                "Noch 2 Std. 30 Min. bis zum Start",
            ),
            ("en", Deadline::StartsAt(earlier), "Starting now"),
            ("en", Deadline::EndedAt(earlier), "Ended 2 hours ago"),
            ("de", Deadline::EndsAt(earlier), "Abgelaufen vor 2 Stunden"),
            (
                "de",
                Deadline::EndedAt(now - Duration::days(1)),
                "Abgelaufen vor 1 Tag",
            ),
        ];

        for (tag, deadline, expected) in cases {
            let text = plain(countdown(&locale(tag), deadline, now));

            assert_eq!(text, expected, "{tag} {deadline:?}");
        }
    }

    #[wasm_bindgen_test]
    fn counter_sentences_are_whole_sentences_in_each_language() {
        let throttle = CounterOutcome::Throttle { kbps: 256 };
        let left = |tag| {
            let msg = Msg::CounterLeft {
                left: "1,2 GB",
                period: CounterPeriod::Day,
                outcome: throttle,
            };
            t(&locale(tag), msg)
        };
        let reached = Msg::CounterReached {
            limit: "1 GB",
            period: CounterPeriod::Month,
            outcome: CounterOutcome::Block,
        };

        assert_eq!(
            left("en"),
            "1,2 GB left today before speed drops to 256 kbps"
        );
        assert_eq!(
            left("fr"),
            "Il reste 1,2 GB aujourd'hui avant la réduction du débit à 256 kbit/s"
        );
        assert_eq!(
            left("de"),
            "Noch 1,2 GB für heute, bevor die Geschwindigkeit auf 256 kbit/s sinkt"
        );
        assert_eq!(
            left("es"),
            "Puedes usar 1,2 GB más hoy antes de que la velocidad baje a 256 kbps"
        );
        assert_eq!(
            t(&locale("de"), reached),
            "Monatslimit von 1 GB erreicht: Datennutzung gesperrt"
        );
        assert_eq!(
            t(&locale("es"), reached),
            "Límite mensual de 1 GB alcanzado: datos bloqueados"
        );
    }

    #[wasm_bindgen_test]
    fn a_full_counter_line_composes_label_clause_and_reset_time() {
        let line = |tag: &str| {
            let l = locale(tag);
            let left = t(
                &l,
                Msg::CounterLeft {
                    left: "800 MB",
                    period: CounterPeriod::Day,
                    outcome: CounterOutcome::Throttle { kbps: 256 },
                },
            );
            let at = Msg::ZoneTimeFirst {
                sft: "00:00",
                city: "Brussels",
                local: "23:00",
            };
            let resets = t(&l, Msg::CounterResetsAt { time: &t(&l, at) });
            let clauses = t(
                &l,
                Msg::Joined {
                    first: &left,
                    second: &resets,
                },
            );
            plain(t(
                &l,
                Msg::Labelled {
                    label: &t(&l, Msg::FullSpeed),
                    text: &clauses,
                },
            ))
        };

        assert_eq!(
            line("en"),
            "Full speed: 800 MB left today before speed drops to 256 kbps; \
             resets at 00:00 Brussels time (23:00 your time)"
        );
        assert_eq!(
            line("fr"),
            "Débit maximal : il reste 800 MB aujourd'hui avant la réduction du débit à \
             256 kbit/s ; remise à zéro à 00:00 heure de Brussels (23:00 chez vous)"
        );
        assert_eq!(
            line("es"),
            "Velocidad máxima: puedes usar 800 MB más hoy antes de que la velocidad baje a \
             256 kbps; se reinicia a las 00:00 hora de Brussels (23:00 hora local)"
        );
    }

    #[wasm_bindgen_test]
    fn warnings_format_their_figures_for_the_locale() {
        let low = Msg::RunningLow {
            percent: 15.2,
            benefit: "Europe 10GB",
        };
        let slowed = Msg::SpeedReduced {
            kbps: 1024,
            until: Some("00:00"),
        };

        assert_eq!(
            plain(t(&locale("en"), low)),
            "Running low: 15% of Europe 10GB left"
        );
        assert_eq!(
            plain(t(&locale("fr"), low)),
            "Solde faible : plus que 15 % restant sur Europe 10GB"
        );
        assert_eq!(
            t(&locale("de"), slowed),
            "Geschwindigkeit bis 00:00 auf 1.024 kbit/s gedrosselt"
        );
        assert_eq!(
            t(&locale("en"), Msg::DataBlocked { until: None }),
            "Data blocked"
        );
        assert_eq!(
            plain(t(&locale("fr"), Msg::UnitsDecimal)),
            "Données affichées en Go (1 Go = 1 000 000 000 octets)"
        );
    }

    #[wasm_bindgen_test]
    fn kinds_and_statuses_have_labels() {
        let fr = locale("fr");

        assert_eq!(kind_label(&fr, &BenefitKind::Data), "Données");
        assert_eq!(
            kind_label(&fr, &BenefitKind::Other("POINTS".into())),
            "POINTS"
        );
        assert_eq!(t(&fr, Msg::status(Status::UsedUp)), "Épuisée");
        assert_eq!(
            t(
                &fr,
                Msg::Labelled {
                    label: "Appels",
                    text: "SMS et appels"
                }
            ),
            "Appels\u{a0}: SMS et appels"
        );
    }
}
