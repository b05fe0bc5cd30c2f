//! When the widget asks the proxy for fresh figures: a pure state machine.
//!
//! SFT moves balances only when traffic is rated and discourages frequent polling, so
//! the widget refreshes only when it helps. The widget renders its cache at once (no
//! decision needed), then feeds every relevant happening to [`step`] as a
//! [`RefreshEvent`] and obeys the [`Decision`]: start a fetch, and arm one timer for
//! [`Decision::next_check`] (replacing the previous one), which sends
//! [`RefreshEvent::Tick`] when it fires.
//!
//! The rules:
//! - on open, fetch when the data is older than [`RefreshConfig::min_age`];
//! - while visible and online, refresh every [`RefreshConfig::refresh_interval`];
//! - while hidden or offline, nothing happens (no wake-ups); on becoming visible or
//!   online again, fetch when the data is older than the interval;
//! - a manual refresh is refused within [`RefreshConfig::manual_cooldown`] of the last
//!   manual refresh or of the last successful reading;
//! - failures back off exponentially with jitter, up to [`RefreshConfig::backoff_cap`];
//!   a `Retry-After` from the proxy is never run over, not even by a manual refresh;
//! - another tab's fresher answer is adopted and counts as a refresh;
//! - never two fetches in flight.
//!
//! Time and randomness are parameters: `now` and a `jitter` in `[0, 1)` come from the
//! caller, so a test can replay a whole session over simulated time.

use chrono::{DateTime, Duration, Utc};

/// The shortest refresh interval: configured intervals below it are raised to it.
pub const MIN_INTERVAL: Duration = Duration::minutes(5);

/// The longest `Retry-After` honoured; longer ones (a misconfigured proxy) are cut to it
/// so one bad header cannot stop refreshing for good.
pub const MAX_RETRY_AFTER: Duration = Duration::hours(24);

/// The share of a backoff delay that jitter may take off: a delay of `d` becomes a wait
/// in `(d * (1 - JITTER_SHARE), d]`, so tabs that failed together retry apart.
pub const JITTER_SHARE: f64 = 0.25;

/// The refresh policy's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshConfig {
    /// Data younger than this is not refetched when the widget opens.
    pub min_age: Duration,
    /// How often to refresh while visible; raised to [`MIN_INTERVAL`] when smaller (read
    /// it through [`RefreshConfig::refresh_interval`]).
    pub interval: Duration,
    /// How long after a manual refresh, or a successful reading, another manual refresh
    /// is refused.
    pub manual_cooldown: Duration,
    /// The wait after the first failure; it doubles with each further failure.
    pub backoff_base: Duration,
    /// The longest wait between failed attempts.
    pub backoff_cap: Duration,
}

impl Default for RefreshConfig {
    fn default() -> Self {
        RefreshConfig {
            min_age: Duration::minutes(2),
            interval: Duration::minutes(15),
            manual_cooldown: Duration::seconds(60),
            backoff_base: Duration::seconds(30),
            backoff_cap: Duration::minutes(30),
        }
    }
}

impl RefreshConfig {
    /// The interval actually used: the configured one, but never below [`MIN_INTERVAL`].
    pub fn refresh_interval(&self) -> Duration {
        self.interval.max(MIN_INTERVAL)
    }

    /// The wait after `failures` consecutive failures: `backoff_base` doubled for each
    /// failure after the first, capped at `backoff_cap`, then shortened by up to
    /// [`JITTER_SHARE`] of itself according to `jitter` (in `[0, 1)`; values outside
    /// are clamped, NaN counts as 0). No failures, no wait.
    pub fn backoff(&self, failures: u32, jitter: f64) -> Duration {
        if failures == 0 {
            return Duration::zero();
        }
        let base = self.backoff_base.num_milliseconds().max(0);
        let cap = self.backoff_cap.num_milliseconds().max(0);
        let doublings = (failures - 1).min(40);
        let nominal = base.saturating_mul(1_i64 << doublings).min(cap);

        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        let cut = (nominal as f64 * JITTER_SHARE * jitter) as i64;
        Duration::milliseconds(nominal - cut)
    }
}

/// Everything the policy remembers between events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshState {
    /// The settings.
    pub config: RefreshConfig,
    /// When the data on screen was read from SFT (never later than the moment it was
    /// received, so a proxy clock ahead of ours cannot postpone refreshes).
    pub fetched_at: Option<DateTime<Utc>>,
    /// When this widget last got a successful answer, on our clock. An answer may carry
    /// an older reading (the proxy's stale-but-usable data); asking again at once would
    /// not make it newer, so the interval also runs from here.
    pub checked_at: Option<DateTime<Utc>>,
    /// A fetch is running.
    pub in_flight: bool,
    /// Failed fetches since the last success.
    pub failures: u32,
    /// No automatic fetch before this instant (error backoff).
    pub backoff_until: Option<DateTime<Utc>>,
    /// No fetch at all before this instant (the proxy's `Retry-After`).
    pub retry_after_until: Option<DateTime<Utc>>,
    /// The page is visible.
    pub visible: bool,
    /// The browser says it is online.
    pub online: bool,
    /// When the traveler last refreshed by hand (and a fetch started).
    pub last_manual: Option<DateTime<Utc>>,
    /// The widget opened but has not yet checked its data's age against
    /// [`RefreshConfig::min_age`] (it opened hidden or offline).
    pub open_check_pending: bool,
}

impl RefreshState {
    /// A fresh state for a widget about to open, with the reading time of its cached
    /// data (if any), and whether the page is visible and the browser online.
    pub fn new(
        config: RefreshConfig,
        fetched_at: Option<DateTime<Utc>>,
        visible: bool,
        online: bool,
    ) -> Self {
        RefreshState {
            config,
            fetched_at,
            checked_at: None,
            in_flight: false,
            failures: 0,
            backoff_until: None,
            retry_after_until: None,
            visible,
            online,
            last_manual: None,
            open_check_pending: false,
        }
    }

    /// The latest sign that the data is current: its reading time or our last
    /// successful check, whichever is later.
    pub fn last_refreshed(&self) -> Option<DateTime<Utc>> {
        latest(self.fetched_at, self.checked_at)
    }

    /// From when a manual refresh will be accepted (cooldown and `Retry-After`); `None`
    /// when nothing holds it back. Being offline or already refreshing is not counted.
    pub fn manual_allowed_at(&self) -> Option<DateTime<Utc>> {
        let cooldown = self.config.manual_cooldown;
        let after_manual = self.last_manual.map(|at| at + cooldown);
        let after_refresh = self.last_refreshed().map(|at| at + cooldown);
        latest(latest(after_manual, after_refresh), self.retry_after_until)
    }

    /// When the next attempt after a failure may run, while failures are being backed
    /// off; for a "retrying in 2 min" hint.
    pub fn retry_at(&self) -> Option<DateTime<Utc>> {
        (self.failures > 0)
            .then(|| latest(self.backoff_until, self.retry_after_until))
            .flatten()
    }

    fn blocked_until(&self) -> Option<DateTime<Utc>> {
        latest(self.backoff_until, self.retry_after_until)
    }

    /// Starts an automatic fetch if one is due, or says when to look again.
    fn decide(mut self, now: DateTime<Utc>) -> (Self, Decision) {
        if self.in_flight || !self.visible || !self.online {
            return (self, Decision::wait(None));
        }
        let interval = self.config.refresh_interval();
        let max_age = if self.open_check_pending {
            self.config.min_age
        } else {
            interval
        };
        self.open_check_pending = false;

        let refreshed = self.last_refreshed();
        let stale = refreshed.is_none_or(|at| now - at >= max_age);
        let blocked = self.blocked_until().filter(|&until| until > now);
        if stale && blocked.is_none() {
            self.in_flight = true;
            return (self, Decision::fetch());
        }
        let next = latest(refreshed.map(|at| at + interval), blocked);
        (self, Decision::wait(next))
    }

    /// Answers the traveler's refresh button.
    fn manual(mut self, now: DateTime<Utc>) -> (Self, Decision) {
        let refusal = if self.in_flight {
            let decision = Decision::wait(None);
            return (self, decision.with_manual(ManualOutcome::AlreadyRefreshing));
        } else if !self.online {
            Some(Refusal::Offline)
        } else if let Some(until) = self.retry_after_until.filter(|&until| until > now) {
            Some(Refusal::ServerAskedToWait { allowed_at: until })
        } else {
            self.manual_allowed_at()
                .filter(|&at| at > now)
                .map(|at| Refusal::CoolingDown { allowed_at: at })
        };

        let Some(refusal) = refusal else {
            // A manual refresh skips the error backoff: the traveler asked, and the
            // cooldown still keeps this from becoming a loop.
            self.in_flight = true;
            self.last_manual = Some(now);
            self.open_check_pending = false;
            return (self, Decision::fetch().with_manual(ManualOutcome::Started));
        };
        let (state, decision) = self.decide(now);
        let outcome = if decision.fetch {
            ManualOutcome::Started
        } else {
            ManualOutcome::Refused(refusal)
        };
        (state, decision.with_manual(outcome))
    }
}

/// Something that happened, for [`step`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshEvent {
    /// The widget opened (after rendering its cache).
    Opened,
    /// The timer armed for [`Decision::next_check`] fired.
    Tick,
    /// The page became visible (`true`) or hidden (`false`).
    VisibilityChanged(bool),
    /// The browser went online (`true`) or offline (`false`).
    OnlineChanged(bool),
    /// The traveler pressed refresh.
    ManualRefresh,
    /// A fetch the policy did not order started (a fetch it ordered is already counted).
    FetchStarted,
    /// A fetch succeeded with data read from SFT at `fetched_at`.
    FetchSucceeded {
        /// When SFT's figures were read (the proxy's reading time).
        fetched_at: DateTime<Utc>,
    },
    /// A fetch failed; `retry_after` is the proxy's `Retry-After`, if it sent one.
    FetchFailed {
        /// How long the proxy asked us to wait.
        retry_after: Option<Duration>,
    },
    /// Another tab stored an answer: show it instead of fetching. Older than what this
    /// tab has, it changes nothing.
    Adopted {
        /// When the adopted figures were read from SFT.
        fetched_at: DateTime<Utc>,
    },
}

/// What the widget should do after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Start a fetch now (the state already counts it as in flight).
    pub fetch: bool,
    /// When to send the next [`RefreshEvent::Tick`], replacing any earlier timer;
    /// `None`: arm no timer (hidden, offline, or waiting for a fetch to end).
    pub next_check: Option<DateTime<Utc>>,
    /// The answer to a [`RefreshEvent::ManualRefresh`]; `None` for other events.
    pub manual: Option<ManualOutcome>,
}

impl Decision {
    fn fetch() -> Self {
        Decision {
            fetch: true,
            next_check: None,
            manual: None,
        }
    }

    fn wait(next_check: Option<DateTime<Utc>>) -> Self {
        Decision {
            fetch: false,
            next_check,
            manual: None,
        }
    }

    fn with_manual(self, outcome: ManualOutcome) -> Self {
        Decision {
            manual: Some(outcome),
            ..self
        }
    }
}

/// How a manual refresh was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManualOutcome {
    /// A fetch started.
    Started,
    /// A fetch was already running; its answer will do.
    AlreadyRefreshing,
    /// No fetch, for this reason.
    Refused(Refusal),
}

/// Why a manual refresh did not start a fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The data was just refreshed ("updated just now"); allowed again at `allowed_at`
    /// ("you can refresh again in 42 s").
    CoolingDown {
        /// When a manual refresh will be accepted.
        allowed_at: DateTime<Utc>,
    },
    /// The proxy asked to wait (`Retry-After`) until `allowed_at`.
    ServerAskedToWait {
        /// When the proxy's wait ends.
        allowed_at: DateTime<Utc>,
    },
    /// The browser is offline.
    Offline,
}

/// Applies `event` at `now` and says what to do. `jitter`, in `[0, 1)`, spreads the
/// error backoff (pass a fresh random number each time; tests pass a constant).
pub fn step(
    state: RefreshState,
    event: RefreshEvent,
    now: DateTime<Utc>,
    jitter: f64,
) -> (RefreshState, Decision) {
    let mut state = state;
    match event {
        RefreshEvent::Opened => {
            state.fetched_at = state.fetched_at.map(|at| at.min(now));
            state.open_check_pending = true;
            state.decide(now)
        }
        RefreshEvent::Tick => state.decide(now),
        RefreshEvent::VisibilityChanged(visible) => {
            state.visible = visible;
            state.decide(now)
        }
        RefreshEvent::OnlineChanged(online) => {
            state.online = online;
            state.decide(now)
        }
        RefreshEvent::ManualRefresh => state.manual(now),
        RefreshEvent::FetchStarted => {
            state.in_flight = true;
            state.open_check_pending = false;
            (state, Decision::wait(None))
        }
        RefreshEvent::FetchSucceeded { fetched_at } => {
            state.in_flight = false;
            state.fetched_at = latest(state.fetched_at, Some(fetched_at.min(now)));
            state.checked_at = Some(now);
            state.failures = 0;
            state.backoff_until = None;
            state.decide(now)
        }
        RefreshEvent::FetchFailed { retry_after } => {
            state.in_flight = false;
            state.failures = state.failures.saturating_add(1);
            state.backoff_until = Some(now + state.config.backoff(state.failures, jitter));
            if let Some(wait) = retry_after {
                let until = now + wait.clamp(Duration::zero(), MAX_RETRY_AFTER);
                state.retry_after_until = latest(state.retry_after_until, Some(until));
            }
            state.decide(now)
        }
        RefreshEvent::Adopted { fetched_at } => {
            let reading = fetched_at.min(now);
            if state.fetched_at.is_none_or(|mine| reading > mine) {
                state.fetched_at = Some(reading);
                state.failures = 0;
                state.backoff_until = None;
            }
            state.decide(now)
        }
    }
}

/// The later of two optional instants.
fn latest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    use RefreshEvent::*;

    /// The start of every simulated session.
    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()
    }

    /// The instant `seconds` after the start.
    fn at(seconds: i64) -> DateTime<Utc> {
        t0() + Duration::seconds(seconds)
    }

    const MIN: i64 = 60;

    /// How the simulated proxy answers one fetch.
    #[derive(Clone, Copy, Debug)]
    enum Answer {
        /// Fresh figures, read as the answer arrives.
        Fresh,
        /// Figures read this long before the answer arrived (stale-but-usable).
        ReadAgo(i64),
        /// A failure, with an optional `Retry-After` in seconds.
        Fail(Option<i64>),
    }

    /// Replays a session: scripted events at instants, the timer the decisions arm, and
    /// fetches that end after `latency` with the scripted answers (then fresh ones).
    struct Session {
        state: RefreshState,
        jitter: f64,
        latency: i64,
        answers: Vec<Answer>,
        wake_at: Option<DateTime<Utc>>,
        done_at: Option<DateTime<Utc>>,
        /// Seconds from the start at which each fetch started.
        fetches: Vec<i64>,
        /// The instants at which each fetch started, to the millisecond.
        fetch_instants: Vec<DateTime<Utc>>,
        /// Seconds from the start and answer of each manual refresh.
        manual: Vec<(i64, ManualOutcome)>,
    }

    impl Session {
        fn new(config: RefreshConfig, cached_age: Option<i64>, visible: bool) -> Self {
            let cached = cached_age.map(|age| at(-age));
            Session {
                state: RefreshState::new(config, cached, visible, true),
                jitter: 0.0,
                latency: 0,
                answers: Vec::new(),
                wake_at: None,
                done_at: None,
                fetches: Vec::new(),
                fetch_instants: Vec::new(),
                manual: Vec::new(),
            }
        }

        fn offline(mut self) -> Self {
            self.state.online = false;
            self
        }

        fn answers(mut self, answers: &[Answer]) -> Self {
            self.answers = answers.to_vec();
            self
        }

        fn latency(mut self, seconds: i64) -> Self {
            self.latency = seconds;
            self
        }

        fn jitter(mut self, jitter: f64) -> Self {
            self.jitter = jitter;
            self
        }

        /// Runs from the start until `end` seconds (exclusive). At one instant a fetch
        /// ends first, then scripted events happen, then the timer fires.
        fn run(mut self, script: &[(i64, RefreshEvent)], end: i64) -> Self {
            let mut script = script.iter().peekable();
            for _ in 0..100_000 {
                let scripted = script.peek().map(|(s, _)| at(*s));
                let Some(now) = [self.done_at, scripted, self.wake_at]
                    .into_iter()
                    .flatten()
                    .min()
                    .filter(|&next| next < at(end))
                else {
                    return self;
                };

                if self.done_at == Some(now) {
                    self.done_at = None;
                    let event = self.answer(now);
                    self.apply(event, now);
                } else if scripted == Some(now) {
                    let (_, event) = script.next().unwrap();
                    self.apply(*event, now);
                } else {
                    self.wake_at = None;
                    self.apply(Tick, now);
                }
            }
            panic!("the session never settles: a tight loop");
        }

        fn answer(&self, now: DateTime<Utc>) -> RefreshEvent {
            let answer = self.answers.get(self.fetches.len() - 1);
            match answer.copied().unwrap_or(Answer::Fresh) {
                Answer::Fresh => FetchSucceeded { fetched_at: now },
                Answer::ReadAgo(age) => FetchSucceeded {
                    fetched_at: now - Duration::seconds(age),
                },
                Answer::Fail(retry_after) => FetchFailed {
                    retry_after: retry_after.map(Duration::seconds),
                },
            }
        }

        fn apply(&mut self, event: RefreshEvent, now: DateTime<Utc>) {
            let (state, decision) = step(self.state, event, now, self.jitter);

            self.state = state;
            let seconds = (now - t0()).num_seconds();
            if decision.fetch {
                assert!(
                    self.done_at.is_none(),
                    "two fetches in flight at {seconds} s"
                );
                self.fetches.push(seconds);
                self.fetch_instants.push(now);
                self.done_at = Some(now + Duration::seconds(self.latency));
            }
            if let Some(outcome) = decision.manual {
                self.manual.push((seconds, outcome));
            }
            self.wake_at = decision.next_check;
        }
    }

    /// Scripted events, each at seconds from the start.
    type Script = Vec<(i64, RefreshEvent)>;

    fn every(step: i64, until: i64) -> Vec<i64> {
        (0..until).step_by(step as usize).collect()
    }

    #[test]
    fn sessions_fetch_exactly_when_the_rules_say() {
        let config = RefreshConfig::default();
        let adopt = |seconds| Adopted {
            fetched_at: at(seconds),
        };
        let cases: Vec<(&str, Session, Script, i64, Vec<i64>)> = vec![
            (
                "two visible hours: 8 fetches at the 15 min interval",
                Session::new(config, None, true),
                vec![(0, Opened)],
                120 * MIN,
                every(15 * MIN, 120 * MIN),
            ),
            (
                "a hidden tab never fetches",
                Session::new(config, Some(60 * MIN), false),
                vec![(0, Opened)],
                120 * MIN,
                vec![],
            ),
            (
                "a cache younger than min_age is not refetched on open",
                Session::new(config, Some(MIN), true),
                vec![(0, Opened)],
                60 * MIN,
                vec![14 * MIN, 29 * MIN, 44 * MIN, 59 * MIN],
            ),
            (
                "a cache older than min_age is refetched on open",
                Session::new(config, Some(3 * MIN), true),
                vec![(0, Opened)],
                60 * MIN,
                every(15 * MIN, 60 * MIN),
            ),
            (
                "hidden pauses; visible again with stale data fetches at once",
                Session::new(config, None, true),
                vec![
                    (0, Opened),
                    (5 * MIN, VisibilityChanged(false)),
                    (40 * MIN, VisibilityChanged(true)),
                ],
                60 * MIN,
                vec![0, 40 * MIN, 55 * MIN],
            ),
            (
                "visible again with fresh data waits for the interval",
                Session::new(config, None, true),
                vec![
                    (0, Opened),
                    (5 * MIN, VisibilityChanged(false)),
                    (10 * MIN, VisibilityChanged(true)),
                ],
                20 * MIN,
                vec![0, 15 * MIN],
            ),
            (
                "opened hidden, the first showing checks min_age",
                Session::new(config, Some(3 * MIN), false),
                vec![(0, Opened), (MIN, VisibilityChanged(true))],
                10 * MIN,
                vec![MIN],
            ),
            (
                "offline: no fetch; online with stale data fetches",
                Session::new(config, Some(60 * MIN), true).offline(),
                vec![(0, Opened), (30 * MIN, OnlineChanged(true))],
                40 * MIN,
                vec![30 * MIN],
            ),
            (
                "online again with fresh data waits for the interval",
                Session::new(config, None, true),
                vec![
                    (0, Opened),
                    (MIN, OnlineChanged(false)),
                    (5 * MIN, OnlineChanged(true)),
                ],
                16 * MIN,
                vec![0, 15 * MIN],
            ),
            (
                "going offline stops the timer",
                Session::new(config, None, true),
                vec![(0, Opened), (MIN, OnlineChanged(false))],
                60 * MIN,
                vec![0],
            ),
            (
                "another tab's fresher answer resets the timer",
                Session::new(config, None, true),
                vec![(0, Opened), (10 * MIN, adopt(10 * MIN))],
                45 * MIN,
                vec![0, 25 * MIN, 40 * MIN],
            ),
            (
                "another tab's older answer changes nothing",
                Session::new(config, None, true),
                vec![(0, Opened), (10 * MIN, adopt(-5 * MIN))],
                20 * MIN,
                vec![0, 15 * MIN],
            ),
            (
                "an adopted answer on open replaces the open fetch",
                Session::new(config, Some(60 * MIN), false),
                vec![(0, Opened), (30, adopt(20)), (MIN, VisibilityChanged(true))],
                10 * MIN,
                vec![],
            ),
            (
                "an interval below the floor is raised to 5 min",
                Session::new(
                    RefreshConfig {
                        interval: Duration::minutes(1),
                        ..config
                    },
                    None,
                    true,
                ),
                vec![(0, Opened)],
                120 * MIN,
                every(5 * MIN, 120 * MIN),
            ),
            (
                "a manual refresh after the cooldown fetches and restarts the interval",
                Session::new(config, None, true),
                vec![(0, Opened), (5 * MIN, ManualRefresh)],
                25 * MIN,
                vec![0, 5 * MIN, 20 * MIN],
            ),
            (
                "a manual refresh within the cooldown does not fetch",
                Session::new(config, None, true),
                vec![
                    (0, Opened),
                    (30, ManualRefresh),
                    (60, ManualRefresh),
                    (90, ManualRefresh),
                ],
                2 * MIN,
                vec![0, 60],
            ),
            (
                "failures back off 30 s, 60 s, 120 s ... up to 30 min",
                Session::new(config, None, true).answers(&[Answer::Fail(None); 20]),
                vec![(0, Opened)],
                120 * MIN,
                vec![0, 30, 90, 210, 450, 930, 1890, 3690, 5490],
            ),
            (
                "a success ends the backoff",
                Session::new(config, None, true).answers(&[
                    Answer::Fail(None),
                    Answer::Fail(None),
                    Answer::Fresh,
                ]),
                vec![(0, Opened)],
                17 * MIN,
                vec![0, 30, 90, 90 + 15 * MIN],
            ),
            (
                "a failure with fresh data on screen waits for the interval",
                Session::new(config, Some(3 * MIN), true).answers(&[Answer::Fail(None)]),
                vec![(0, Opened)],
                13 * MIN,
                vec![0, 12 * MIN],
            ),
            (
                "Retry-After longer than the backoff is honoured, even by a manual refresh",
                Session::new(config, None, true).answers(&[Answer::Fail(Some(10 * MIN))]),
                vec![(0, Opened), (2 * MIN, ManualRefresh)],
                11 * MIN,
                vec![0, 10 * MIN],
            ),
            (
                "Retry-After shorter than the backoff: the backoff wins",
                Session::new(config, None, true).answers(&[Answer::Fail(Some(5))]),
                vec![(0, Opened)],
                MIN,
                vec![0, 30],
            ),
            (
                "a manual refresh skips the error backoff",
                Session::new(config, None, true).answers(&[Answer::Fail(None); 3]),
                vec![(0, Opened), (65, ManualRefresh)],
                4 * MIN,
                vec![0, 30, 65, 65 + 120],
            ),
            (
                "never two fetches in flight",
                Session::new(config, None, true).latency(40),
                vec![
                    (0, Opened),
                    (10, ManualRefresh),
                    (20, VisibilityChanged(false)),
                    (21, VisibilityChanged(true)),
                    (25, OnlineChanged(true)),
                    (30, Tick),
                ],
                10 * MIN,
                vec![0],
            ),
            (
                "an old reading from the proxy does not cause a tight loop",
                Session::new(config, None, true).answers(&[Answer::ReadAgo(20 * MIN); 10]),
                vec![(0, Opened)],
                31 * MIN,
                vec![0, 15 * MIN, 30 * MIN],
            ),
            (
                "a reading from a clock ahead of ours cannot postpone refreshes",
                Session::new(config, None, true).answers(&[Answer::ReadAgo(-24 * 60 * MIN)]),
                vec![(0, Opened)],
                16 * MIN,
                vec![0, 15 * MIN],
            ),
            (
                "an early timer changes nothing",
                Session::new(config, None, true),
                vec![(0, Opened), (MIN, Tick), (2 * MIN, Tick)],
                16 * MIN,
                vec![0, 15 * MIN],
            ),
        ];

        for (name, session, script, end, expected) in cases {
            let session = session.run(&script, end);

            assert_eq!(session.fetches, expected, "{name}");
        }
    }

    #[test]
    fn manual_refresh_says_why_it_did_not_fetch() {
        let config = RefreshConfig::default();
        let cases = [
            (
                "just refreshed: cooling down until 60 s after the reading",
                Session::new(config, None, true),
                vec![(0, Opened), (42, ManualRefresh)],
                ManualOutcome::Refused(Refusal::CoolingDown { allowed_at: at(60) }),
            ),
            (
                "just pressed (and failed): cooling down until 60 s after the press",
                Session::new(config, Some(10 * MIN), true)
                    .latency(5)
                    .answers(&[Answer::Fail(None)]),
                vec![(0, ManualRefresh), (20, ManualRefresh)],
                ManualOutcome::Refused(Refusal::CoolingDown { allowed_at: at(60) }),
            ),
            (
                "offline",
                Session::new(config, Some(10 * MIN), true).offline(),
                vec![(0, Opened), (MIN, ManualRefresh)],
                ManualOutcome::Refused(Refusal::Offline),
            ),
            (
                "the proxy asked to wait",
                Session::new(config, None, true).answers(&[Answer::Fail(Some(600))]),
                vec![(0, Opened), (2 * MIN, ManualRefresh)],
                ManualOutcome::Refused(Refusal::ServerAskedToWait {
                    allowed_at: at(600),
                }),
            ),
            (
                "a fetch is running",
                Session::new(config, None, true).latency(30),
                vec![(0, Opened), (10, ManualRefresh)],
                ManualOutcome::AlreadyRefreshing,
            ),
            (
                "allowed: it starts",
                Session::new(config, Some(10 * MIN), true),
                vec![(0, Opened), (MIN, ManualRefresh)],
                ManualOutcome::Started,
            ),
            (
                "allowed while hidden",
                Session::new(config, Some(10 * MIN), false),
                vec![(0, Opened), (MIN, ManualRefresh)],
                ManualOutcome::Started,
            ),
        ];

        for (name, session, script, expected) in cases {
            let session = session.run(&script, 10 * MIN);

            let last = session.manual.last().map(|(_, outcome)| *outcome);
            assert_eq!(last, Some(expected), "{name}");
        }
    }

    #[test]
    fn backoff_doubles_from_the_base_to_the_cap_and_jitter_only_shortens_it() {
        let config = RefreshConfig::default();
        let nominal = [30, 60, 120, 240, 480, 960, 1800, 1800, 1800, 1800];

        for (failures, seconds) in (1..).zip(nominal) {
            for jitter in [0.0, 0.3, 0.5, 0.999_999] {
                let wait = config.backoff(failures, jitter);

                let nominal = Duration::seconds(seconds);
                let shortest = Duration::milliseconds(seconds * 750);
                assert!(
                    wait <= nominal,
                    "{failures} failures, jitter {jitter}: {wait}"
                );
                assert!(
                    wait > shortest,
                    "{failures} failures, jitter {jitter}: {wait}"
                );
            }
            assert_eq!(config.backoff(failures, 0.0), Duration::seconds(seconds));
        }
    }

    #[test]
    fn backoff_survives_absurd_inputs() {
        let config = RefreshConfig::default();
        let cap = Duration::minutes(30);
        let cases = [
            (0, 0.5, Duration::zero()),
            (u32::MAX, 0.0, cap),
            (1, f64::NAN, Duration::seconds(30)),
            (1, -3.0, Duration::seconds(30)),
            (1, 7.0, Duration::milliseconds(22_500)),
        ];

        for (failures, jitter, expected) in cases {
            assert_eq!(
                config.backoff(failures, jitter),
                expected,
                "{failures} {jitter}"
            );
        }
    }

    #[test]
    fn jitter_spreads_retries_within_the_bounds() {
        let config = RefreshConfig::default();
        let failing = [Answer::Fail(None); 3];

        for jitter in [0.0, 0.5, 0.999] {
            let session = Session::new(config, None, true)
                .answers(&failing)
                .jitter(jitter)
                .run(&[(0, Opened)], 4 * MIN);

            let instants = &session.fetch_instants;
            let gaps: Vec<i64> = instants
                .windows(2)
                .map(|w| (w[1] - w[0]).num_milliseconds())
                .collect();
            assert_eq!(gaps.len(), 3, "{jitter}");
            for (gap, nominal) in gaps.iter().zip([30_000, 60_000, 120_000]) {
                assert!(
                    *gap <= nominal && *gap * 4 > nominal * 3,
                    "{jitter}: {gaps:?}"
                );
            }
        }
    }

    #[test]
    fn hidden_or_offline_tabs_arm_no_timer() {
        let state = RefreshState::new(RefreshConfig::default(), Some(at(-MIN)), true, true);
        let (state, opened) = step(state, Opened, at(0), 0.0);
        assert_eq!(opened.next_check, Some(at(14 * MIN)));

        let (hidden_state, hidden) = step(state, VisibilityChanged(false), at(MIN), 0.0);
        let (_, ticked) = step(hidden_state, Tick, at(20 * MIN), 0.0);
        let (_, offline) = step(state, OnlineChanged(false), at(MIN), 0.0);

        assert_eq!((hidden.fetch, hidden.next_check), (false, None));
        assert_eq!((ticked.fetch, ticked.next_check), (false, None));
        assert_eq!((offline.fetch, offline.next_check), (false, None));
    }

    #[test]
    fn the_ui_can_tell_when_manual_refresh_comes_back_and_when_retries_run() {
        let config = RefreshConfig::default();
        let state = RefreshState::new(config, None, true, true);
        let (state, _) = step(state, Opened, at(0), 0.0);
        let (state, _) = step(state, FetchFailed { retry_after: None }, at(5), 0.0);
        assert_eq!(state.retry_at(), Some(at(35)));
        assert_eq!(state.manual_allowed_at(), None);

        let (state, _) = step(state, Tick, at(35), 0.0);
        let (state, _) = step(state, FetchSucceeded { fetched_at: at(30) }, at(36), 0.0);

        assert_eq!(state.retry_at(), None);
        assert_eq!(state.manual_allowed_at(), Some(at(96)));
        assert_eq!(state.last_refreshed(), Some(at(36)));
        assert_eq!(state.fetched_at, Some(at(30)));
    }

    #[test]
    fn an_endless_retry_after_is_cut_to_a_day() {
        let state = RefreshState::new(RefreshConfig::default(), None, true, true);
        let (state, _) = step(state, Opened, at(0), 0.0);
        let forever = Some(Duration::days(3650));

        let (state, decision) = step(
            state,
            FetchFailed {
                retry_after: forever,
            },
            at(1),
            0.0,
        );

        assert_eq!(state.retry_after_until, Some(at(1) + MAX_RETRY_AFTER));
        assert_eq!(decision.next_check, Some(at(1) + MAX_RETRY_AFTER));
    }
}
