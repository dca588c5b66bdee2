//! The order filters of `orders list`, `orders export` (and later the
//! receipts' batch mode), turned into the journal's [`OrderFilter`].

use anyhow::{Context as _, anyhow};
use clap::Args;

use super::GlobalArgs;
use crate::aps::client::Environment;
use crate::aps::{Currency, Money};
use crate::journal::vocabulary::OrderState;
use crate::journal::{OrderFilter, SortColumn};

#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// Free text: merchant reference, fort_id, customer email or name (Arabic
    /// too), authorization code, KNET or third-party reference, payment
    /// method or card brand. Every word must match the start of a word.
    #[arg(long, short = 'q', value_name = "TEXT")]
    pub text: Option<String>,
    /// Order state (repeatable): authorized, partially_captured, captured,
    /// partially_refunded, refunded, voided, declined, ...
    #[arg(long, value_name = "STATE")]
    pub state: Vec<String>,
    /// Payment option (repeatable): VISA, MASTERCARD, MADA, KNET, BENEFIT, ...
    #[arg(long, value_name = "OPTION")]
    pub payment_option: Vec<String>,
    /// ISO 4217 currency code.
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Smallest amount, in major units of --currency (e.g. 10.500).
    #[arg(
        long,
        value_name = "AMOUNT",
        requires = "currency",
        allow_negative_numbers = true
    )]
    pub amount_min: Option<String>,
    /// Largest amount, in major units of --currency.
    #[arg(
        long,
        value_name = "AMOUNT",
        requires = "currency",
        allow_negative_numbers = true
    )]
    pub amount_max: Option<String>,
    /// Created on or after this day (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Created on or before this day (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Environment: sandbox, production or simulator.
    #[arg(long, value_name = "ENV")]
    pub environment: Option<String>,
    /// Only authorizations late in their capture window (paid 5 to 7 days
    /// ago, something left to capture).
    #[arg(long)]
    pub expiring_soon: bool,
    /// Sort column: created, updated, merchant_reference, fort_id, amount,
    /// authorized, captured, refunded, state, payment_option, currency,
    /// customer_name, customer_email, response_code.
    #[arg(long, value_name = "COLUMN", default_value = "created")]
    pub sort: String,
    /// Sort in ascending order (the default is newest or largest first).
    #[arg(long)]
    pub ascending: bool,
}

fn day_start_ms(text: &str, flag: &str) -> anyhow::Result<jiff::civil::Date> {
    text.parse::<jiff::civil::Date>()
        .with_context(|| format!("--{flag}: {text:?} is not a date (YYYY-MM-DD)"))
}

fn to_ms(date: jiff::civil::Date) -> anyhow::Result<i64> {
    crate::journal::query::day_start_ms(date).context("date out of range")
}

fn amount(text: &str, currency: Currency, flag: &str) -> anyhow::Result<i64> {
    let money = Money::parse_major(text, currency)
        .map_err(|error| anyhow!("--{flag}: {}", error.message(crate::aps::Language::En)))?;
    Ok(i64::try_from(money.minor_units()).unwrap_or(i64::MAX))
}

impl FilterArgs {
    /// The journal filter; `--profile` of the global options filters by profile.
    pub fn to_filter(&self, global: &GlobalArgs) -> anyhow::Result<OrderFilter> {
        let states = self
            .state
            .iter()
            .map(|state| {
                OrderState::from_name(state).ok_or_else(|| {
                    let names: Vec<&str> =
                        OrderState::ALL.iter().map(|state| state.as_str()).collect();
                    anyhow!(
                        "--state: {state:?} is not a state; one of {}",
                        names.join(", ")
                    )
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let environment = self
            .environment
            .as_deref()
            .map(|name| {
                Environment::from_name(name).ok_or_else(|| {
                    anyhow!(
                        "--environment: {name:?} is not production, sandbox, simulator or custom"
                    )
                })
            })
            .transpose()?;
        let currency = match &self.currency {
            Some(code) => Some(
                Currency::from_code(&code.to_ascii_uppercase())
                    .ok_or_else(|| anyhow!("--currency: {code:?} is not an ISO 4217 code"))?,
            ),
            None => None,
        };
        let sort = SortColumn::from_name(&self.sort).ok_or_else(|| {
            let names: Vec<&str> = SortColumn::ALL.iter().map(|column| column.name()).collect();
            anyhow!(
                "--sort: {:?} is not a column; one of {}",
                self.sort,
                names.join(", ")
            )
        })?;
        let from = self
            .from
            .as_deref()
            .map(|text| day_start_ms(text, "from"))
            .transpose()?;
        let to = self
            .to
            .as_deref()
            .map(|text| day_start_ms(text, "to"))
            .transpose()?;
        let next_day = to
            .map(|date| date.tomorrow().context("--to: date out of range"))
            .transpose()?;
        Ok(OrderFilter {
            text: self.text.clone().unwrap_or_default(),
            states,
            payment_options: self
                .payment_option
                .iter()
                .map(|option| option.to_ascii_uppercase())
                .collect(),
            currency: currency.map(|currency| currency.code().to_owned()),
            amount_min: match (&self.amount_min, currency) {
                (Some(text), Some(currency)) => Some(amount(text, currency, "amount-min")?),
                _ => None,
            },
            amount_max: match (&self.amount_max, currency) {
                (Some(text), Some(currency)) => Some(amount(text, currency, "amount-max")?),
                _ => None,
            },
            created_from_ms: from.map(to_ms).transpose()?,
            created_to_ms: next_day.map(to_ms).transpose()?,
            profile: global.profile.clone(),
            environment,
            payment_links_only: false,
            expiring_soon: self.expiring_soon,
            now_ms: None,
            sort,
            descending: !self.ascending,
        })
    }
}
