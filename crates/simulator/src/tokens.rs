//! Access and refresh tokens: JWT-shaped strings whose validity the simulator keeps in a
//! table and judges on its own clock.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::usage::draw;

/// Which of the pair a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Short-lived, sent with every query.
    Access,
    /// Long-lived, exchanged for a new pair.
    Refresh,
}

/// What a presented token turns out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenCheck {
    /// Issued, of the right kind, not expired.
    Valid,
    /// Issued and of the right kind, but expired or invalidated.
    Expired,
    /// Never issued by this simulator, or of the other kind.
    Unknown,
}

/// Above this many remembered tokens, expired ones are forgotten.
const MAX_REMEMBERED: usize = 10_000;

struct Issued {
    kind: TokenKind,
    expires_at: DateTime<Utc>,
}

/// The tokens issued so far.
pub(crate) struct Tokens {
    secret: u64,
    issued: HashMap<String, Issued>,
    serial: u64,
}

impl Tokens {
    /// An empty table; `secret` makes this simulator's tokens differ from another's.
    pub(crate) fn new(secret: u64) -> Self {
        Self {
            secret,
            issued: HashMap::new(),
            serial: 0,
        }
    }

    /// Issues a new (access, refresh) pair for `subject` at `now`.
    pub(crate) fn issue_pair(
        &mut self,
        subject: &str,
        now: DateTime<Utc>,
        access_ttl: Duration,
        refresh_ttl: Duration,
    ) -> (String, String) {
        if self.issued.len() > MAX_REMEMBERED {
            self.issued.retain(|_, token| token.expires_at > now);
        }
        let access = self.issue(TokenKind::Access, subject, now, now + access_ttl);
        let refresh = self.issue(TokenKind::Refresh, subject, now, now + refresh_ttl);
        (access, refresh)
    }

    /// Judges a presented token of the expected kind at `now`.
    pub(crate) fn check(&self, token: &str, kind: TokenKind, now: DateTime<Utc>) -> TokenCheck {
        match self.issued.get(token) {
            Some(issued) if issued.kind != kind => TokenCheck::Unknown,
            Some(issued) if issued.expires_at <= now => TokenCheck::Expired,
            Some(_) => TokenCheck::Valid,
            None => TokenCheck::Unknown,
        }
    }

    /// Makes every access token issued so far expired as of `now`.
    pub(crate) fn expire_access(&mut self, now: DateTime<Utc>) {
        for token in self
            .issued
            .values_mut()
            .filter(|t| t.kind == TokenKind::Access)
        {
            token.expires_at = token.expires_at.min(now);
        }
    }

    fn issue(
        &mut self,
        kind: TokenKind,
        subject: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> String {
        self.serial += 1;
        let typ = match kind {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
        };
        let header = r#"{"alg":"HS256","typ":"JWT"}"#;
        let claims = serde_json::json!({
            "sub": subject,
            "typ": typ,
            "iat": now.timestamp(),
            "exp": expires_at.timestamp(),
            "jti": self.serial,
        });
        let signing_input = format!(
            "{}.{}",
            base64url(header.as_bytes()),
            base64url(claims.to_string().as_bytes())
        );
        // Not a real signature: four draws keyed by the secret and the serial look like one.
        let signature: Vec<u8> = (0..4)
            .flat_map(|part| draw(self.secret ^ self.serial, part, 7).to_be_bytes())
            .collect();
        let token = format!("{signing_input}.{}", base64url(&signature));

        self.issued
            .insert(token.clone(), Issued { kind, expires_at });
        token
    }
}

/// Unpadded base64url, as JWTs use.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn base64url_matches_known_values() {
        let cases = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("\u{ff}\u{fe}", "w7_Dvg"),
        ];

        for (input, expected) in cases {
            assert_eq!(base64url(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn tokens_are_valid_until_their_ttl_then_expired() {
        let mut tokens = Tokens::new(1);
        let now = at("2026-12-04T09:00:00Z");
        let (access, refresh) =
            tokens.issue_pair("demo", now, Duration::seconds(300), Duration::days(1));

        let cases = [
            (
                &access,
                TokenKind::Access,
                now + Duration::seconds(299),
                TokenCheck::Valid,
            ),
            (
                &access,
                TokenKind::Access,
                now + Duration::seconds(300),
                TokenCheck::Expired,
            ),
            (
                &refresh,
                TokenKind::Refresh,
                now + Duration::hours(23),
                TokenCheck::Valid,
            ),
            (
                &refresh,
                TokenKind::Refresh,
                now + Duration::days(2),
                TokenCheck::Expired,
            ),
            (&refresh, TokenKind::Access, now, TokenCheck::Unknown),
            (&access, TokenKind::Refresh, now, TokenCheck::Unknown),
        ];

        for (token, kind, when, expected) in cases {
            assert_eq!(
                tokens.check(token, kind, when),
                expected,
                "{kind:?} at {when}"
            );
        }
        assert_eq!(
            tokens.check("made.up.token", TokenKind::Access, now),
            TokenCheck::Unknown
        );
    }

    #[test]
    fn expiring_access_tokens_leaves_refresh_tokens_working() {
        let mut tokens = Tokens::new(1);
        let now = at("2026-12-04T09:00:00Z");
        let (access, refresh) =
            tokens.issue_pair("demo", now, Duration::seconds(300), Duration::days(1));

        tokens.expire_access(now);

        assert_eq!(
            tokens.check(&access, TokenKind::Access, now),
            TokenCheck::Expired
        );
        assert_eq!(
            tokens.check(&refresh, TokenKind::Refresh, now),
            TokenCheck::Valid
        );
    }

    #[test]
    fn every_token_is_distinct_and_jwt_shaped() {
        let mut tokens = Tokens::new(1);
        let now = at("2026-12-04T09:00:00Z");

        let (a1, r1) = tokens.issue_pair("demo", now, Duration::seconds(300), Duration::days(1));
        let (a2, _) = tokens.issue_pair("demo", now, Duration::seconds(300), Duration::days(1));

        assert!(a1 != a2 && a1 != r1);
        assert_eq!(a1.split('.').count(), 3);
    }
}
