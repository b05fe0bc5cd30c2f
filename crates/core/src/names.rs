//! Every SFT field name the parser reads, in one place. Public SFT material gives the
//! concepts but not always the spelling, so each name lists the spellings accepted; the
//! parser compares them without regard to case.

/// The envelope around every answer.
pub const RESPONSE: &[&str] = &["Response"];
/// The top-level result: `"0"` success, `"1"` failure.
pub const RESULT_CODE: &[&str] = &["resultCode"];
/// The detailed result object.
pub const RESULT_PARAM: &[&str] = &["resultParam"];
/// The human description inside `resultParam`.
pub const RESULT_DESCRIPTION: &[&str] = &["resultDescription"];
/// SFT's timestamp of the answer.
pub const RESPONSE_TIMESTAMP: &[&str] = &["responseTimestamp"];
/// Where the payload sits: either name is used by SFT.
pub const PAYLOAD: &[&str] = &["responseParam", "info"];

/// Detailed result code meaning "no data": an empty list, not an error.
pub const CODE_NO_DATA: &str = "1359";
/// Detailed result code meaning the access token expired.
pub const CODE_TOKEN_EXPIRED: &str = "401";
/// Top-level result code of a successful answer.
pub const CODE_SUCCESS: &str = "0";

/// The list of add-on instances and its items.
pub const PLANS: &[&str] = &["promotionalPlans"];
/// Items of [`PLANS`].
pub const PLAN: &[&str] = &["plan"];
/// Instance id, on plans, benefits and counters.
pub const UNIQUE_ID: &[&str] = &["uniqueId"];
/// The add-on plan id (the portal's `addonId`).
pub const PLAN_ID: &[&str] = &["planId", "addonId"];
/// The plan's name.
pub const PLAN_NAME: &[&str] = &["planName"];
/// The plan's service.
pub const PLAN_SERVICE_NAME: &[&str] = &["planServiceName"];
/// The plan's start.
pub const PLAN_START: &[&str] = &["planStartDate"];
/// The plan's expiry.
pub const PLAN_EXPIRY: &[&str] = &["planExpiryDate"];

/// The list of benefits and its items.
pub const BENEFITS: &[&str] = &["benefitInfo"];
/// Items of [`BENEFITS`].
pub const BENEFIT: &[&str] = &["benefit"];
/// The benefit's kind (`DATA`, `SMS`, `VOICE`, `CREDIT`).
pub const BENEFIT_NAME: &[&str] = &["name", "benefitName"];
/// The benefit's start.
pub const BENEFIT_START: &[&str] = &["startDate"];
/// The benefit's expiry.
pub const BENEFIT_EXPIRY: &[&str] = &["expiryDate"];
/// Amount granted at activation.
pub const ACTUAL_BALANCE: &[&str] = &["actualBalance"];
/// Amount left.
pub const BALANCE: &[&str] = &["balance"];

/// The list of counters and its items.
pub const COUNTERS: &[&str] = &["counterInfo"];
/// Items of [`COUNTERS`].
pub const COUNTER: &[&str] = &["counter"];
/// The counter's id.
pub const COUNTER_ID: &[&str] = &["counterId"];
/// The counter's name, such as `Daily_Data`.
pub const COUNTER_NAME: &[&str] = &["counterName", "name"];
/// How often it resets.
pub const COUNTER_FREQUENCY: &[&str] = &["frequency"];
/// The threshold value.
pub const THRESHOLD: &[&str] = &["threshold"];
/// The unit of threshold and current value (`Bytes`, `KB`, `MB`).
pub const THRESHOLD_UNIT: &[&str] = &["thresholdUnit", "unit"];
/// The counter's current value.
pub const CURRENT_VALUE: &[&str] = &["currentValue", "value"];
/// The action at the threshold.
pub const ACTION: &[&str] = &["action"];
