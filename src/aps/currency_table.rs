//! The ISO 4217 table of active currencies and their minor-unit exponents.
//!
//! APS takes every `amount` as an integer count of the currency's minor unit, so
//! apsdesk has to know how many decimals each currency has before it can turn
//! what an operator typed into that integer: 12.500 KWD is `12500`, 500.00 AED
//! is `50000`, 1000 JPY is `1000`.
//!
//! The exponent is the number of decimals ISO 4217 gives the minor unit:
//!
//! - 3 for the dinars and rials of KWD, BHD, OMR, JOD, TND, LYD and IQD;
//! - 0 for currencies without a minor unit in practice, such as JPY, KRW, CLP,
//!   VND, ISK, PYG, UGX, RWF and the CFA and CFP francs (XAF, XOF, XPF);
//! - 4 for the Chilean and Uruguayan indexed units CLF and UYW;
//! - 2 for almost everything else, including AED, SAR, QAR, EGP, USD and EUR.
//!
//! The rows follow ISO 4217 list one (current currency and funds codes) as
//! amended up to 2025. Codes that have no minor unit at all are left out: the
//! precious metals (XAU, XAG, XPT, XPD), the bond-market units (XBA to XBD), the
//! IMF, SUCRE, African Development Bank and Arab Monetary Fund units of account
//! (XDR, XSU, XUA, XAD), and the testing and no-currency codes (XTS, XXX).
//! Withdrawn codes (CUC, HRK, SLL, ZWL and older) are left out too; ANG is the one
//! exception, see its row.

/// Every active ISO 4217 currency apsdesk accepts: alpha-3 code, ISO numeric code
/// and minor-unit exponent, sorted by alpha code so it can be binary-searched.
///
/// Numeric codes are unique except for ANG and XCG, which share 532: ISO handed
/// the code of the Netherlands Antillean guilder to the Caribbean guilder that
/// replaced it.
pub(super) const CURRENCIES: &[(&str, u16, u8)] = &[
    ("AED", 784, 2),
    ("AFN", 971, 2),
    ("ALL", 8, 2),
    ("AMD", 51, 2),
    // Replaced by XCG in 2025 (ISO 4217 amendment 176); kept for older records.
    ("ANG", 532, 2),
    ("AOA", 973, 2),
    ("ARS", 32, 2),
    ("AUD", 36, 2),
    ("AWG", 533, 2),
    ("AZN", 944, 2),
    ("BAM", 977, 2),
    ("BBD", 52, 2),
    ("BDT", 50, 2),
    // To be replaced by EUR from 2026-01-01 (amendment 180).
    ("BGN", 975, 2),
    ("BHD", 48, 3),
    ("BIF", 108, 0),
    ("BMD", 60, 2),
    ("BND", 96, 2),
    ("BOB", 68, 2),
    // Fund code (Mvdol).
    ("BOV", 984, 2),
    ("BRL", 986, 2),
    ("BSD", 44, 2),
    ("BTN", 64, 2),
    ("BWP", 72, 2),
    ("BYN", 933, 2),
    ("BZD", 84, 2),
    ("CAD", 124, 2),
    ("CDF", 976, 2),
    // Fund code (WIR euro).
    ("CHE", 947, 2),
    ("CHF", 756, 2),
    // Fund code (WIR franc).
    ("CHW", 948, 2),
    // Fund code (Unidad de Fomento).
    ("CLF", 990, 4),
    ("CLP", 152, 0),
    ("CNY", 156, 2),
    ("COP", 170, 2),
    // Fund code (Unidad de Valor Real).
    ("COU", 970, 2),
    ("CRC", 188, 2),
    ("CUP", 192, 2),
    ("CVE", 132, 2),
    ("CZK", 203, 2),
    ("DJF", 262, 0),
    ("DKK", 208, 2),
    ("DOP", 214, 2),
    ("DZD", 12, 2),
    ("EGP", 818, 2),
    ("ERN", 232, 2),
    ("ETB", 230, 2),
    ("EUR", 978, 2),
    ("FJD", 242, 2),
    ("FKP", 238, 2),
    ("GBP", 826, 2),
    ("GEL", 981, 2),
    ("GHS", 936, 2),
    ("GIP", 292, 2),
    ("GMD", 270, 2),
    ("GNF", 324, 0),
    ("GTQ", 320, 2),
    ("GYD", 328, 2),
    ("HKD", 344, 2),
    ("HNL", 340, 2),
    ("HTG", 332, 2),
    ("HUF", 348, 2),
    ("IDR", 360, 2),
    ("ILS", 376, 2),
    ("INR", 356, 2),
    ("IQD", 368, 3),
    ("IRR", 364, 2),
    ("ISK", 352, 0),
    ("JMD", 388, 2),
    ("JOD", 400, 3),
    ("JPY", 392, 0),
    ("KES", 404, 2),
    ("KGS", 417, 2),
    ("KHR", 116, 2),
    ("KMF", 174, 0),
    ("KPW", 408, 2),
    ("KRW", 410, 0),
    ("KWD", 414, 3),
    ("KYD", 136, 2),
    ("KZT", 398, 2),
    ("LAK", 418, 2),
    ("LBP", 422, 2),
    ("LKR", 144, 2),
    ("LRD", 430, 2),
    ("LSL", 426, 2),
    ("LYD", 434, 3),
    ("MAD", 504, 2),
    ("MDL", 498, 2),
    ("MGA", 969, 2),
    ("MKD", 807, 2),
    ("MMK", 104, 2),
    ("MNT", 496, 2),
    ("MOP", 446, 2),
    ("MRU", 929, 2),
    ("MUR", 480, 2),
    ("MVR", 462, 2),
    ("MWK", 454, 2),
    ("MXN", 484, 2),
    // Fund code (Unidad de Inversion).
    ("MXV", 979, 2),
    ("MYR", 458, 2),
    ("MZN", 943, 2),
    ("NAD", 516, 2),
    ("NGN", 566, 2),
    ("NIO", 558, 2),
    ("NOK", 578, 2),
    ("NPR", 524, 2),
    ("NZD", 554, 2),
    ("OMR", 512, 3),
    ("PAB", 590, 2),
    ("PEN", 604, 2),
    ("PGK", 598, 2),
    ("PHP", 608, 2),
    ("PKR", 586, 2),
    ("PLN", 985, 2),
    ("PYG", 600, 0),
    ("QAR", 634, 2),
    ("RON", 946, 2),
    ("RSD", 941, 2),
    ("RUB", 643, 2),
    ("RWF", 646, 0),
    ("SAR", 682, 2),
    ("SBD", 90, 2),
    ("SCR", 690, 2),
    ("SDG", 938, 2),
    ("SEK", 752, 2),
    ("SGD", 702, 2),
    ("SHP", 654, 2),
    ("SLE", 925, 2),
    ("SOS", 706, 2),
    ("SRD", 968, 2),
    ("SSP", 728, 2),
    ("STN", 930, 2),
    ("SVC", 222, 2),
    ("SYP", 760, 2),
    ("SZL", 748, 2),
    ("THB", 764, 2),
    ("TJS", 972, 2),
    ("TMT", 934, 2),
    ("TND", 788, 3),
    ("TOP", 776, 2),
    ("TRY", 949, 2),
    ("TTD", 780, 2),
    ("TWD", 901, 2),
    ("TZS", 834, 2),
    ("UAH", 980, 2),
    ("UGX", 800, 0),
    ("USD", 840, 2),
    // Fund code (next-day dollar).
    ("USN", 997, 2),
    // Fund code (Unidades Indexadas).
    ("UYI", 940, 0),
    ("UYU", 858, 2),
    // Unidad Previsional.
    ("UYW", 927, 4),
    ("UZS", 860, 2),
    // Digital bolivar; VES stays listed beside it.
    ("VED", 926, 2),
    ("VES", 928, 2),
    ("VND", 704, 0),
    ("VUV", 548, 0),
    ("WST", 882, 2),
    ("XAF", 950, 0),
    ("XCD", 951, 2),
    // Caribbean guilder, in use from 2025-03-31; reuses the numeric code of ANG.
    ("XCG", 532, 2),
    ("XOF", 952, 0),
    ("XPF", 953, 0),
    ("YER", 886, 2),
    ("ZAR", 710, 2),
    ("ZMW", 967, 2),
    // Zimbabwe Gold, replaced ZWL in 2024.
    ("ZWG", 924, 2),
];

#[cfg(test)]
mod tests {
    use super::CURRENCIES;

    /// The one pair of rows ISO lets share a numeric code (see [`CURRENCIES`]).
    const SHARED_NUMERIC: (&str, &str, u16) = ("ANG", "XCG", 532);

    fn exponent_of(code: &str) -> Option<u8> {
        CURRENCIES
            .iter()
            .find(|(candidate, _, _)| *candidate == code)
            .map(|&(_, _, exponent)| exponent)
    }

    fn numeric_of(code: &str) -> Option<u16> {
        CURRENCIES
            .iter()
            .find(|(candidate, _, _)| *candidate == code)
            .map(|&(_, numeric, _)| numeric)
    }

    #[test]
    fn sorted_and_unique_by_alpha_code() {
        for pair in CURRENCIES.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "{} must come strictly before {}",
                pair[0].0,
                pair[1].0
            );
        }
    }

    #[test]
    fn codes_are_three_uppercase_ascii_letters() {
        for &(code, _, _) in CURRENCIES {
            assert_eq!(code.len(), 3, "{code:?} is not three bytes long");
            assert!(
                code.bytes().all(|byte| byte.is_ascii_uppercase()),
                "{code:?} is not upper-case ASCII letters"
            );
        }
    }

    #[test]
    fn exponents_are_at_most_four() {
        for &(code, _, exponent) in CURRENCIES {
            assert!(exponent <= 4, "{code} has exponent {exponent}");
        }
    }

    #[test]
    fn numeric_codes_are_valid_and_unique() {
        let (old, new, shared) = SHARED_NUMERIC;
        let mut seen: Vec<(u16, &str)> = Vec::with_capacity(CURRENCIES.len());
        for &(code, numeric, _) in CURRENCIES {
            assert!(
                (1..=999).contains(&numeric),
                "{code} has numeric code {numeric}"
            );
            if let Some(&(_, earlier)) = seen.iter().find(|(number, _)| *number == numeric) {
                assert!(
                    numeric == shared && earlier == old && code == new,
                    "{earlier} and {code} share numeric code {numeric}"
                );
            }
            seen.push((numeric, code));
        }
    }

    #[test]
    fn the_shared_numeric_code_is_really_shared() {
        let (old, new, shared) = SHARED_NUMERIC;
        assert_eq!(numeric_of(old), Some(shared));
        assert_eq!(numeric_of(new), Some(shared));
    }

    #[test]
    fn three_decimal_currencies() {
        for code in ["KWD", "BHD", "OMR", "JOD", "TND", "LYD", "IQD"] {
            assert_eq!(exponent_of(code), Some(3), "{code}");
        }
    }

    #[test]
    fn zero_decimal_currencies() {
        for code in [
            "JPY", "KRW", "CLP", "VND", "XAF", "XOF", "XPF", "ISK", "UGX", "PYG", "RWF", "BIF",
            "DJF", "GNF", "KMF", "VUV", "UYI",
        ] {
            assert_eq!(exponent_of(code), Some(0), "{code}");
        }
    }

    #[test]
    fn four_decimal_units() {
        assert_eq!(exponent_of("CLF"), Some(4));
        assert_eq!(exponent_of("UYW"), Some(4));
    }

    #[test]
    fn two_decimal_currencies() {
        for code in [
            "AED", "SAR", "QAR", "EGP", "USD", "EUR", "GBP", "INR", "MAD",
        ] {
            assert_eq!(exponent_of(code), Some(2), "{code}");
        }
    }

    #[test]
    fn numeric_spot_checks() {
        assert_eq!(numeric_of("AED"), Some(784));
        assert_eq!(numeric_of("SAR"), Some(682));
        assert_eq!(numeric_of("KWD"), Some(414));
        assert_eq!(numeric_of("BHD"), Some(48));
        assert_eq!(numeric_of("OMR"), Some(512));
        assert_eq!(numeric_of("USD"), Some(840));
        assert_eq!(numeric_of("EUR"), Some(978));
    }

    #[test]
    fn units_without_a_minor_unit_are_absent() {
        for code in [
            "XAU", "XAG", "XPT", "XPD", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA", "XAD",
            "XTS", "XXX",
        ] {
            assert_eq!(exponent_of(code), None, "{code}");
        }
    }

    #[test]
    fn withdrawn_codes_are_absent() {
        for code in ["CUC", "HRK", "SLL", "ZWL", "VEF", "MRO", "STD", "BYR"] {
            assert_eq!(exponent_of(code), None, "{code}");
        }
    }
}
