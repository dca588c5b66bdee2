//! Exact money: integer minor units of a known currency.
//!
//! APS takes `amount` as an integer in the currency's minor units (reference §7):
//! 12.500 KWD is `12500`, 500.00 AED is `50000`, 1000 JPY is `1000`. Amounts are
//! parsed from what an operator types into that integer once, refusing anything
//! that would need rounding, and stay integers until they are printed again.
//! There is no floating point anywhere on this path.

use std::fmt;

use super::currency::Currency;
use super::lang::Language;

/// APS allows at most ten digits in `amount`.
pub const MAX_AMOUNT_DIGITS: usize = 10;
const MAX_MINOR_UNITS: u64 = 9_999_999_999;

/// A positive amount of a currency, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor_units: u64,
    currency: Currency,
}

/// Why a text is not an amount APS can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("the amount is empty")]
    Empty,
    #[error(
        "the amount is not a number (use digits and one decimal point, no thousands separators)"
    )]
    NotANumber,
    #[error("the amount must be more than zero, not negative")]
    Negative,
    #[error("the amount must be more than zero")]
    Zero,
    #[error("{currency} takes at most {max} decimals")]
    TooManyDecimals { currency: Currency, max: u8 },
    #[error("the amount is too large: at most {MAX_AMOUNT_DIGITS} digits in minor units")]
    TooManyDigits,
}

impl AmountError {
    /// The error in the operator's language.
    pub fn message(&self, language: Language) -> String {
        match language {
            Language::En => self.to_string(),
            Language::Ar => match self {
                AmountError::Empty => "المبلغ فارغ".to_owned(),
                AmountError::NotANumber => {
                    "المبلغ ليس رقمًا (استخدم الأرقام وفاصلة عشرية واحدة، دون فواصل الآلاف)".to_owned()
                }
                AmountError::Negative => "يجب أن يكون المبلغ أكبر من صفر، لا سالبًا".to_owned(),
                AmountError::Zero => "يجب أن يكون المبلغ أكبر من صفر".to_owned(),
                AmountError::TooManyDecimals { currency, max } => {
                    format!("العملة {currency} تقبل {max} منازل عشرية على الأكثر")
                }
                AmountError::TooManyDigits => {
                    format!("المبلغ كبير جدًا: {MAX_AMOUNT_DIGITS} أرقام على الأكثر بالوحدات الصغرى")
                }
            },
        }
    }
}

impl Money {
    /// An amount already in minor units (e.g. from the journal). Zero is
    /// refused: APS never moves nothing.
    pub fn from_minor_units(minor_units: u64, currency: Currency) -> Result<Money, AmountError> {
        if minor_units == 0 {
            return Err(AmountError::Zero);
        }
        if minor_units > MAX_MINOR_UNITS {
            return Err(AmountError::TooManyDigits);
        }
        Ok(Money {
            minor_units,
            currency,
        })
    }

    /// Parses an amount in major units as an operator types it: `12.500`,
    /// `12.5` or `12` for KWD all give 12500 minor units. Arabic-Indic digits
    /// (`١٢٫٥`) are accepted. Never rounds: `12.5001` KWD is an error.
    pub fn parse_major(text: &str, currency: Currency) -> Result<Money, AmountError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(AmountError::Empty);
        }
        if text.starts_with('-') || text.starts_with('\u{2212}') {
            return Err(AmountError::Negative);
        }
        let normalized: String = text.chars().map(normalize_digit).collect();
        let (whole, fraction) = match normalized.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (normalized.as_str(), ""),
        };
        let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty())
            || !all_digits(whole)
            || !all_digits(fraction)
            || (normalized.contains('.') && fraction.is_empty())
        {
            return Err(AmountError::NotANumber);
        }
        let exponent = usize::from(currency.exponent());
        if fraction.len() > exponent {
            // Trailing zeros beyond the exponent change nothing, but accepting
            // "12.5000" for KWD would hide a typing slip; be strict as APS is.
            return Err(AmountError::TooManyDecimals {
                currency,
                max: currency.exponent(),
            });
        }
        let whole = whole.trim_start_matches('0');
        let mut digits = String::with_capacity(whole.len() + exponent);
        digits.push_str(whole);
        digits.push_str(fraction);
        digits.extend(std::iter::repeat_n('0', exponent - fraction.len()));
        let digits = digits.trim_start_matches('0');
        if digits.is_empty() {
            return Err(AmountError::Zero);
        }
        if digits.len() > MAX_AMOUNT_DIGITS {
            return Err(AmountError::TooManyDigits);
        }
        let minor_units = digits.parse::<u64>().map_err(|_| AmountError::NotANumber)?;
        Money::from_minor_units(minor_units, currency)
    }

    /// Parses APS's `amount` parameter: an integer in minor units.
    pub fn parse_minor(text: &str, currency: Currency) -> Result<Money, AmountError> {
        if text.is_empty() {
            return Err(AmountError::Empty);
        }
        if text.starts_with('-') {
            return Err(AmountError::Negative);
        }
        if !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(AmountError::NotANumber);
        }
        if text.trim_start_matches('0').len() > MAX_AMOUNT_DIGITS {
            return Err(AmountError::TooManyDigits);
        }
        let minor_units = text.parse::<u64>().map_err(|_| AmountError::NotANumber)?;
        Money::from_minor_units(minor_units, currency)
    }

    pub fn minor_units(self) -> u64 {
        self.minor_units
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    /// The `amount` parameter: minor units, no separators.
    pub fn to_aps_amount(self) -> String {
        self.minor_units.to_string()
    }

    /// The amount in major units with exactly the currency's decimals: `12.500`.
    pub fn format_major(self) -> String {
        format_minor_units(self.minor_units, self.currency)
    }
}

/// Formats any count of minor units (zero included, for totals) in major units
/// with the currency's decimals.
pub fn format_minor_units(minor_units: u64, currency: Currency) -> String {
    let exponent = usize::from(currency.exponent());
    if exponent == 0 {
        return minor_units.to_string();
    }
    let digits = format!("{minor_units:0>width$}", width = exponent + 1);
    let (whole, fraction) = digits.split_at(digits.len() - exponent);
    format!("{whole}.{fraction}")
}

impl fmt::Display for Money {
    /// `12.500 KWD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.format_major(), self.currency)
    }
}

/// Arabic-Indic and Eastern Arabic-Indic digits to ASCII; the Arabic decimal
/// separator (U+066B) to a point.
fn normalize_digit(c: char) -> char {
    match c {
        '\u{0660}'..='\u{0669}' => char::from_digit(u32::from(c) - 0x0660, 10).unwrap_or(c),
        '\u{06F0}'..='\u{06F9}' => char::from_digit(u32::from(c) - 0x06F0, 10).unwrap_or(c),
        '\u{066B}' => '.',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str) -> Currency {
        Currency::from_code(code).expect("known currency")
    }

    #[test]
    fn parses_major_units_exactly() {
        let cases = [
            ("12.500", "KWD", 12_500),
            ("12.5", "KWD", 12_500),
            ("12", "KWD", 12_000),
            ("500.00", "AED", 50_000),
            ("100", "JOD", 100_000),
            ("1000", "JPY", 1000),
            ("0.01", "USD", 1),
            (".5", "USD", 50),
            ("  7.25 ", "SAR", 725),
            ("١٢٫٥٠٠", "KWD", 12_500),
            ("99999999.99", "USD", 9_999_999_999),
            ("1.2345", "CLF", 12_345),
        ];
        for (text, code, expected) in cases {
            let money = Money::parse_major(text, currency(code))
                .unwrap_or_else(|err| panic!("{text} {code}: {err}"));
            assert_eq!(money.minor_units(), expected, "{text} {code}");
        }
    }

    #[test]
    fn refuses_what_would_need_rounding_or_is_not_an_amount() {
        let kwd = currency("KWD");
        let cases = [
            (
                "12.5001",
                "KWD",
                AmountError::TooManyDecimals {
                    currency: kwd,
                    max: 3,
                },
            ),
            (
                "1.5",
                "JPY",
                AmountError::TooManyDecimals {
                    currency: currency("JPY"),
                    max: 0,
                },
            ),
            ("0", "KWD", AmountError::Zero),
            ("0.000", "KWD", AmountError::Zero),
            ("-1", "KWD", AmountError::Negative),
            ("", "KWD", AmountError::Empty),
            ("1,000", "USD", AmountError::NotANumber),
            ("1e3", "USD", AmountError::NotANumber),
            ("12.", "USD", AmountError::NotANumber),
            (".", "USD", AmountError::NotANumber),
            ("1.2.3", "USD", AmountError::NotANumber),
            ("+5", "USD", AmountError::NotANumber),
            ("100000000.00", "USD", AmountError::TooManyDigits),
            ("10000000", "KWD", AmountError::TooManyDigits),
        ];
        for (text, code, expected) in cases {
            assert_eq!(
                Money::parse_major(text, currency(code)),
                Err(expected),
                "{text} {code}"
            );
        }
    }

    #[test]
    fn parses_aps_minor_units() {
        let kwd = currency("KWD");
        assert_eq!(
            Money::parse_minor("12500", kwd).map(Money::format_major),
            Ok("12.500".to_owned())
        );
        assert_eq!(
            Money::parse_minor("12.5", kwd),
            Err(AmountError::NotANumber)
        );
        assert_eq!(Money::parse_minor("0", kwd), Err(AmountError::Zero));
        assert_eq!(
            Money::parse_minor("12345678901", kwd),
            Err(AmountError::TooManyDigits)
        );
    }

    #[test]
    fn formats_with_the_currency_decimals() {
        assert_eq!(format_minor_units(12_500, currency("KWD")), "12.500");
        assert_eq!(format_minor_units(5, currency("KWD")), "0.005");
        assert_eq!(format_minor_units(0, currency("USD")), "0.00");
        assert_eq!(format_minor_units(1000, currency("JPY")), "1000");
        let money = Money::parse_major("12.5", currency("KWD")).expect("valid");
        assert_eq!(money.to_string(), "12.500 KWD");
        assert_eq!(money.to_aps_amount(), "12500");
    }

    #[test]
    fn errors_speak_arabic() {
        let message = AmountError::TooManyDecimals {
            currency: currency("KWD"),
            max: 3,
        }
        .message(Language::Ar);
        assert!(
            message.contains("KWD") && message.contains('3'),
            "{message}"
        );
        assert!(
            message
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
        );
    }
}
