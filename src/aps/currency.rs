//! ISO 4217 currencies and their minor-unit exponents.
//!
//! The table itself is in `currency_table.rs`; this module gives it a type.
//! A [`Currency`] can only be made from a code in the table, so every amount in
//! apsdesk knows how many decimals it has.

use std::fmt;
use std::str::FromStr;

use super::currency_table::CURRENCIES;

/// An ISO 4217 currency apsdesk knows.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    numeric: u16,
    exponent: u8,
}

impl Currency {
    /// Looks up an alpha-3 code; exact upper case, as APS sends and expects it.
    pub fn from_code(code: &str) -> Option<Currency> {
        CURRENCIES
            .binary_search_by(|(candidate, _, _)| (*candidate).cmp(code))
            .ok()
            .map(|index| {
                let (code, numeric, exponent) = CURRENCIES[index];
                Currency {
                    code,
                    numeric,
                    exponent,
                }
            })
    }

    /// The alpha-3 code, e.g. `KWD`.
    pub fn code(self) -> &'static str {
        self.code
    }

    /// The ISO numeric code, e.g. 414 for KWD.
    pub fn numeric(self) -> u16 {
        self.numeric
    }

    /// Number of decimals: 3 for KWD, 2 for SAR, 0 for JPY.
    pub fn exponent(self) -> u8 {
        self.exponent
    }

    /// Every currency in the table.
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES
            .iter()
            .map(|&(code, numeric, exponent)| Currency {
                code,
                numeric,
                exponent,
            })
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

/// The code is not an ISO 4217 currency apsdesk knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency {0:?}")]
pub struct UnknownCurrency(pub String);

impl FromStr for Currency {
    type Err = UnknownCurrency;

    /// Accepts a code in any case with surrounding spaces (as typed by an operator).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(&s.trim().to_ascii_uppercase())
            .ok_or_else(|| UnknownCurrency(s.to_owned()))
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let kwd = Currency::from_code("KWD").expect("known");
        assert_eq!((kwd.code(), kwd.numeric(), kwd.exponent()), ("KWD", 414, 3));
        assert_eq!(Currency::from_code("JPY").map(Currency::exponent), Some(0));
        assert_eq!(Currency::from_code("kwd"), None);
        assert_eq!(" kwd ".parse::<Currency>(), Ok(kwd));
        assert!("XXX".parse::<Currency>().is_err());
        assert!(Currency::all().count() > 150);
    }
}
