//! The simulator's memory and rules: orders, tokens and payment links, and what
//! APS answers to each request.
//!
//! [`SimState::handle`] takes a request's parameters (already parsed, not yet
//! authenticated) and returns the unsigned response parameters. It is plain
//! synchronous code with the clock passed in, so the rules are tested as a table
//! without HTTP (see `tests/sim_rules.rs`); the server adds transport, faults and
//! signatures around it.
//!
//! Behaviour the public reference leaves open, decided here and documented in
//! the README: an unknown order answers CHECK_STATUS with `12036`; a refund that
//! repeats the `maintenance_reference` of an applied refund answers the first
//! refund's response again without moving money; refunds of local-method
//! purchases (KNET...) are allowed, since refusing them is a plugin's policy.
//! The guide's error table decides two answers: a refund beyond the captured
//! amount is `00048` and an operation the payment option does not allow
//! (capturing or voiding a purchase, authorizing by a local method) `00049`.
//! Its VISA note decides another: in a 3-decimal currency (KWD, BHD, OMR,
//! JOD...) a VISA amount whose last decimal is not 0 is refused as `00005`
//! (invalid amount), for payments, links, captures and refunds alike. A
//! capture more than 7 days after the authorization (the guide's "within 5-7
//! days") answers `05034`, operation not allowed: APS names no code for it.
//!
//! Apple Pay (reference §2): the account has a second credential set. A
//! payment signed with it makes an Apple Pay order (`digital_wallet`
//! APPLE_PAY); a capture, void or refund must be signed with the set of its
//! order, and one signed with the other set is refused as a signature
//! mismatch (`00008`), answered under the set it came with. The reference
//! names only captures, voids and refunds, so CHECK_STATUS is answered for
//! either set (a desk's first look-up cannot know the wallet yet).
//! CHECK_STATUS answers the third-party codes (`processor_response_code`,
//! `acquirer_response_code`, `acquirer_response_message`) only when
//! `return_third_party_response_codes=YES` asks for them.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::aps::client::{APPLE_PAY_WALLET, CredentialSet, Credentials, mask_card_number};
use crate::aps::codes;
use crate::aps::currency::Currency;
use crate::aps::money::Money;
use crate::aps::params::{Params, Value};
use crate::aps::signature::{self, SignatureCheck};
use crate::aps::validate::{self, Problem};
use crate::aps::{Command, Language};

/// A test card and what the simulator does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardBehaviour {
    Approve,
    /// Declined by the issuer: `03666` / `13666`.
    Decline,
    /// Applied, but answered `15777` (processed, confirmation lost).
    Uncertain,
}

/// The simulator's test cards: the reference's sandbox cards approve; two more
/// are apsdesk's own, documented in the README.
pub const TEST_CARDS: &[(&str, &str, CardBehaviour)] = &[
    ("4005550000000001", "VISA", CardBehaviour::Approve),
    ("5123456789012346", "MASTERCARD", CardBehaviour::Approve),
    ("345678901234564", "AMEX", CardBehaviour::Approve),
    ("4557012345678902", "VISA", CardBehaviour::Approve),
    ("5313581000123430", "MASTERCARD", CardBehaviour::Approve),
    ("374200000000004", "AMEX", CardBehaviour::Approve),
    ("5297412542005689", "MADA", CardBehaviour::Approve),
    ("5078036221028566", "MEEZA", CardBehaviour::Approve),
    ("4000000000000002", "VISA", CardBehaviour::Decline),
    ("4000000000000119", "VISA", CardBehaviour::Uncertain),
];

/// Purchase-only local methods and the currency each one pays in.
pub const LOCAL_METHODS: &[(&str, &str)] = &[
    ("KNET", "KWD"),
    ("BENEFIT", "BHD"),
    ("OMANNET", "OMR"),
    ("NAPS", "QAR"),
    ("MADA", "SAR"),
    ("STCPAY", "SAR"),
];

/// How long an authorization can be captured: the guide's "within 5-7 days
/// of authorization", at its longest.
pub const CAPTURE_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

/// One entry of an order's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub command: Command,
    pub amount: Option<u64>,
    pub response_code: String,
    pub at: Timestamp,
}

/// An order the simulator keeps.
#[derive(Debug, Clone)]
pub struct SimOrder {
    pub merchant_reference: String,
    pub fort_id: String,
    /// AUTHORIZATION or PURCHASE.
    pub kind: Command,
    pub payment_option: String,
    pub currency: Currency,
    pub amount: u64,
    pub authorized: u64,
    pub captured: u64,
    pub refunded: u64,
    pub voided: bool,
    pub masked_card: Option<String>,
    pub authorization_code: String,
    pub customer_email: Option<String>,
    pub customer_name: Option<String>,
    pub knet_ref_number: Option<String>,
    pub third_party_transaction_number: Option<String>,
    pub payment_link_id: Option<String>,
    /// `APPLE_PAY` for an order paid with Apple Pay.
    pub digital_wallet: Option<String>,
    pub created_at: Timestamp,
    pub history: Vec<HistoryEntry>,
    /// Applied refunds by `maintenance_reference`, with the response given.
    pub(crate) refunds_by_reference: HashMap<String, Params>,
}

impl SimOrder {
    fn last(&self) -> Option<&HistoryEntry> {
        self.history.last()
    }

    /// The credential set its maintenance must be signed with.
    pub fn credential_set(&self) -> CredentialSet {
        if self.digital_wallet.as_deref() == Some(APPLE_PAY_WALLET) {
            CredentialSet::ApplePay
        } else {
            CredentialSet::Merchant
        }
    }
}

/// A card token the simulator issued.
#[derive(Debug, Clone)]
pub struct SimToken {
    pub token_name: String,
    pub masked_card: String,
    pub card_bin: String,
    pub card_brand: String,
    pub expiry_date: String,
    pub card_holder_name: Option<String>,
    pub active: bool,
    pub created_at: Timestamp,
}

/// The state of a payment link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Open,
    Paid,
    Expired,
}

impl LinkStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Open => "OPEN",
            LinkStatus::Paid => "PAID",
            LinkStatus::Expired => "EXPIRED",
        }
    }
}

/// A payment link the simulator created.
#[derive(Debug, Clone)]
pub struct SimLink {
    pub payment_link_id: String,
    pub merchant_reference: String,
    pub amount: u64,
    pub currency: Currency,
    pub link_command: Command,
    pub payment_option: Option<String>,
    pub customer_email: String,
    pub customer_name: Option<String>,
    pub expires_at: Timestamp,
    pub paid_fort_id: Option<String>,
}

impl SimLink {
    pub fn status(&self, now: Timestamp) -> LinkStatus {
        if self.paid_fort_id.is_some() {
            LinkStatus::Paid
        } else if now >= self.expires_at {
            LinkStatus::Expired
        } else {
            LinkStatus::Open
        }
    }
}

/// Why paying a link through the simulator's side door failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayLinkError {
    #[error("no payment link {0}")]
    NotFound(String),
    #[error("payment link {0} is already paid")]
    AlreadyPaid(String),
    #[error("payment link {0} has expired")]
    Expired(String),
}

/// An answer in the making: status, message and the parameters to add.
struct Answer {
    status: &'static str,
    message: &'static str,
    extra: Params,
}

impl Answer {
    fn new(status: &'static str, message: &'static str) -> Answer {
        Answer {
            status,
            message,
            extra: Params::new(),
        }
    }

    fn with(mut self, name: &str, value: impl Into<String>) -> Answer {
        self.extra.set(name, value);
        self
    }
}

/// Everything the simulator remembers.
#[derive(Debug)]
pub struct SimState {
    credentials: Credentials,
    /// The account's Apple Pay set, when it has one.
    apple_pay: Option<Credentials>,
    /// Base URL of the server, for the payment-link URLs it hands out.
    public_base_url: String,
    orders: HashMap<String, SimOrder>,
    order_by_fort_id: HashMap<String, String>,
    tokens: HashMap<String, SimToken>,
    links: HashMap<String, SimLink>,
    next_id: u64,
    /// Transaction feedback not yet taken by the server (unsigned).
    /// Unsigned notifications, each with the set that signs it.
    outbox: Vec<(Params, CredentialSet)>,
}

impl SimState {
    pub fn new(credentials: Credentials, public_base_url: impl Into<String>) -> SimState {
        SimState {
            credentials,
            apple_pay: None,
            public_base_url: public_base_url.into(),
            orders: HashMap::new(),
            order_by_fort_id: HashMap::new(),
            tokens: HashMap::new(),
            links: HashMap::new(),
            next_id: 1,
            outbox: Vec::new(),
        }
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Gives the account an Apple Pay credential set.
    pub fn set_apple_pay(&mut self, credentials: Credentials) {
        self.apple_pay = Some(credentials);
    }

    /// The credentials of one set (`None`: the account has no Apple Pay set).
    pub fn credentials_of(&self, set: CredentialSet) -> Option<&Credentials> {
        match set {
            CredentialSet::Merchant => Some(&self.credentials),
            CredentialSet::ApplePay => self.apple_pay.as_ref(),
        }
    }

    pub fn set_public_base_url(&mut self, url: impl Into<String>) {
        self.public_base_url = url.into();
    }

    /// The card tokens the simulator issued.
    pub fn tokens(&self) -> impl Iterator<Item = &SimToken> {
        self.tokens.values()
    }

    pub fn order(&self, merchant_reference: &str) -> Option<&SimOrder> {
        self.orders.get(merchant_reference)
    }

    pub fn orders(&self) -> impl Iterator<Item = &SimOrder> {
        self.orders.values()
    }

    pub fn link(&self, payment_link_id: &str) -> Option<&SimLink> {
        self.links.get(payment_link_id)
    }

    pub fn token(&self, token_name: &str) -> Option<&SimToken> {
        self.tokens.get(token_name)
    }

    fn next_number(&mut self) -> u64 {
        let number = self.next_id;
        self.next_id += 1;
        number
    }

    /// A 17-digit fort id, like APS's.
    fn new_fort_id(&mut self) -> String {
        format!("{}", 169_000_000_000_000_000u64 + self.next_number())
    }

    fn find_order_key(
        &self,
        merchant_reference: Option<&str>,
        fort_id: Option<&str>,
    ) -> Option<String> {
        let by_fort = fort_id
            .and_then(|fort_id| self.order_by_fort_id.get(fort_id))
            .cloned();
        match (merchant_reference, by_fort) {
            (Some(reference), Some(found)) => (found == reference).then_some(found),
            (None, Some(found)) => Some(found),
            (Some(reference), None) if fort_id.is_none() => self
                .orders
                .contains_key(reference)
                .then(|| reference.to_owned()),
            _ => None,
        }
    }

    /// Answers one request. The response is not signed yet.
    pub fn handle(&mut self, request: &Params, now: Timestamp) -> Params {
        self.handle_signed_by(request, now).0
    }

    /// Answers one request, with the credential set it was signed with
    /// (whose response phrase signs the answer).
    pub fn handle_signed_by(
        &mut self,
        request: &Params,
        now: Timestamp,
    ) -> (Params, CredentialSet) {
        let language = request
            .text("language")
            .and_then(|language| language.parse().ok())
            .unwrap_or(Language::En);
        let command = Command::from_params(request);
        let set = self.signed_by(request);
        let answer = self.answer(request, command, set, now);
        let response = respond(request, command, &answer, language);
        if let Some(command) = command {
            self.notify(command, &response, set);
        }
        (response, set)
    }

    /// The transaction feedback APS would post for an answer: every payment
    /// with a result (approved or declined; one answered *uncertain* is
    /// notified with its final result, as APS's notification feedback
    /// recovers it) and every applied capture, refund or void. The
    /// notification is the answer's parameters (card masked, access code as
    /// APS echoes it); invalid requests are not notified. It is signed with
    /// `set`, the set the transaction was made with, whose access code it
    /// carries.
    fn notify(&mut self, command: Command, response: &Params, set: CredentialSet) {
        let (success, failure) = command.status_pair();
        let is_payment = matches!(command, Command::Authorization | Command::Purchase);
        let is_maintenance = matches!(
            command,
            Command::Capture | Command::Refund | Command::VoidAuthorization
        );
        let status = response.text("status").unwrap_or_default();
        let mut notification = response.clone();
        if is_payment && status == "15" {
            let message = codes::message_text("000", Language::En).unwrap_or_default();
            notification.set("response_code", format!("{success}000"));
            notification.set("response_message", message);
            notification.set("status", success);
        } else if !((is_payment || is_maintenance) && status == success
            || is_payment && status == failure)
        {
            return;
        }
        notification.remove("signature");
        self.outbox.push((notification, set));
    }

    /// The notifications made since the last call, oldest first (unsigned),
    /// each with the credential set that must sign it (`credentials_of`).
    pub fn take_notifications(&mut self) -> Vec<(Params, CredentialSet)> {
        std::mem::take(&mut self.outbox)
    }

    /// The notification of one step of an order's history, as APS would
    /// have posted it then (the demo delivers its seeded history with them):
    /// with the access code of the order's set, which must sign it
    /// (`SimOrder::credential_set`).
    pub fn history_notification(&self, order: &SimOrder, step: &HistoryEntry) -> Params {
        let set = self
            .credentials_of(order.credential_set())
            .unwrap_or(&self.credentials);
        let mut notification = Params::new();
        notification.push("command", step.command.name());
        notification.push("merchant_identifier", &self.credentials.merchant_identifier);
        notification.push("access_code", set.access_code.expose());
        notification.push("merchant_reference", &order.merchant_reference);
        notification.push("language", "en");
        notification.push("fort_id", &order.fort_id);
        if let Some(amount) = step.amount {
            notification.push("amount", amount.to_string());
        }
        notification.push("currency", order.currency.code());
        notification.push("payment_option", &order.payment_option);
        notification.push("eci", "ECOMMERCE");
        notification.push("authorization_code", &order.authorization_code);
        notification.push_opt("customer_email", order.customer_email.as_deref());
        notification.push_opt("customer_name", order.customer_name.as_deref());
        notification.push_opt("card_number", order.masked_card.as_deref());
        notification.push_opt("knet_ref_number", order.knet_ref_number.as_deref());
        notification.push_opt(
            "third_party_transaction_number",
            order.third_party_transaction_number.as_deref(),
        );
        notification.push_opt("payment_link_id", order.payment_link_id.as_deref());
        let code = &step.response_code;
        notification.push("response_code", code);
        notification.push(
            "response_message",
            codes::message_text(code.get(2..).unwrap_or_default(), Language::En)
                .unwrap_or_default(),
        );
        notification.push("status", code.get(..2).unwrap_or_default());
        notification
    }

    /// The set whose access code the request carries (the merchant's when
    /// it is neither: authentication then refuses it).
    fn signed_by(&self, request: &Params) -> CredentialSet {
        match (&self.apple_pay, request.non_empty("access_code")) {
            (Some(apple_pay), Some(code)) if code == apple_pay.access_code.expose() => {
                CredentialSet::ApplePay
            }
            _ => CredentialSet::Merchant,
        }
    }

    fn answer(
        &mut self,
        request: &Params,
        command: Option<Command>,
        set: CredentialSet,
        now: Timestamp,
    ) -> Answer {
        if let Err(answer) = self.authenticate(request, set) {
            return answer;
        }
        let Some(command) = command else {
            let named = ["command", "query_command", "service_command"]
                .iter()
                .any(|key| request.contains(key));
            return Answer::new("00", if named { "004" } else { "001" });
        };
        match request.text("language") {
            None | Some("") => return Answer::new("00", "001"),
            Some(text) if text.parse::<Language>().is_err() => return Answer::new("00", "002"),
            Some(_) => {}
        }
        let result = match command {
            Command::Authorization | Command::Purchase => self.payment(request, command, set, now),
            Command::Capture => self.capture(request, set, now),
            Command::VoidAuthorization => self.void(request, set, now),
            Command::Refund => self.refund(request, set, now),
            Command::CheckStatus => self.check_status(request),
            Command::UpdateToken => self.update_token(request, now),
            Command::PaymentLink => self.payment_link(request, now),
            Command::CheckPaymentLinkStatus => self.payment_link_status(request, now),
            Command::GetInstallmentsPlans => Ok(installment_plans(request)),
        };
        result.unwrap_or_else(|answer| answer)
    }

    /// Merchant identifier (009), access code (010), then signature (008);
    /// any of them absent is 001.
    fn authenticate(&self, request: &Params, set: CredentialSet) -> Result<(), Answer> {
        let credentials = self.credentials_of(set).unwrap_or(&self.credentials);
        match request.non_empty("merchant_identifier") {
            None => return Err(Answer::new("00", "001")),
            Some(identifier) if identifier != credentials.merchant_identifier => {
                return Err(Answer::new("00", "009"));
            }
            Some(_) => {}
        }
        match request.non_empty("access_code") {
            None => return Err(Answer::new("00", "001")),
            Some(code) if code != credentials.access_code.expose() => {
                return Err(Answer::new("00", "010"));
            }
            Some(_) => {}
        }
        match signature::check(
            request,
            credentials.sha_type,
            credentials.request_phrase.expose(),
        ) {
            SignatureCheck::Valid => Ok(()),
            SignatureCheck::Missing => Err(Answer::new("00", "001")),
            SignatureCheck::Mismatch { .. } => Err(Answer::new("00", "008")),
        }
    }

    /// AUTHORIZATION or PURCHASE, server to server: by test card, by token,
    /// or by a local method.
    fn payment(
        &mut self,
        request: &Params,
        command: Command,
        set: CredentialSet,
        now: Timestamp,
    ) -> Result<Answer, Answer> {
        let failure = command.status_pair().1;
        let reference = require_reference(request, failure)?;
        let money = require_money(request, failure)?;
        if self.orders.contains_key(&reference)
            || self
                .links
                .values()
                .any(|link| link.merchant_reference == reference)
        {
            return Err(Answer::new(failure, "066"));
        }
        let customer_email = request.non_empty("customer_email").map(str::to_owned);
        if customer_email.is_none() {
            return Err(Answer::new("00", "001"));
        }
        let option = request
            .non_empty("payment_option")
            .map(str::to_ascii_uppercase);
        let local_method = option
            .as_deref()
            .and_then(|option| LOCAL_METHODS.iter().find(|(name, _)| *name == option));
        let mut behaviour = CardBehaviour::Approve;
        let (payment_option, masked_card, mut extra) = if let Some((method, currency)) =
            local_method
        {
            if command == Command::Authorization {
                // The guide's error table: 00049, "use PURCHASE for local
                // payment methods".
                return Err(Answer::new("00", "049"));
            }
            if money.currency().code() != *currency {
                return Err(Answer::new(failure, "013"));
            }
            let mut extra = Params::new();
            let (knet_ref_number, third_party) = self.local_method_numbers(method);
            extra.push_opt("knet_ref_number", knet_ref_number);
            extra.push_opt("third_party_transaction_number", third_party);
            ((*method).to_owned(), None, extra)
        } else if let Some(token_name) = request.non_empty("token_name") {
            let token = self
                .tokens
                .get(token_name)
                .ok_or(Answer::new(failure, "044"))?;
            if !token.active {
                return Err(Answer::new(failure, "044"));
            }
            let mut extra = Params::new();
            extra.push("token_name", token_name);
            (
                token.card_brand.clone(),
                Some(token.masked_card.clone()),
                extra,
            )
        } else {
            let number = request
                .non_empty("card_number")
                .ok_or(Answer::new("00", "001"))?;
            let expiry = request
                .non_empty("expiry_date")
                .ok_or(Answer::new("00", "001"))?;
            if request.non_empty("card_security_code").is_none() {
                return Err(Answer::new("00", "001"));
            }
            match validate::card_expiry("expiry_date", expiry, validate::yymm_of(now)) {
                Ok(_) => {}
                Err(error) if error.problem == Problem::CardExpired => {
                    return Err(Answer::new(failure, "012"));
                }
                Err(_) => return Err(Answer::new("00", "002")),
            }
            let (_, brand, card_behaviour) = TEST_CARDS
                .iter()
                .find(|(card, _, _)| *card == number)
                .ok_or(Answer::new(failure, "016"))?;
            if *brand == "MADA" && command == Command::Authorization {
                return Err(Answer::new("00", "049"));
            }
            behaviour = *card_behaviour;
            let masked = mask_card_number(number);
            let mut extra = Params::new();
            extra.push("expiry_date", expiry);
            if behaviour != CardBehaviour::Decline {
                let token_name = format!("simtok{:08}", self.next_number());
                self.tokens.insert(
                    token_name.clone(),
                    SimToken {
                        token_name: token_name.clone(),
                        masked_card: masked.clone(),
                        card_bin: number[..6].to_owned(),
                        card_brand: (*brand).to_owned(),
                        expiry_date: expiry.to_owned(),
                        card_holder_name: request.non_empty("card_holder_name").map(str::to_owned),
                        active: true,
                        created_at: now,
                    },
                );
                extra.push("token_name", token_name);
            }
            ((*brand).to_owned(), Some(masked), extra)
        };
        if validate::visa_amount("amount", money, Some(&payment_option)).is_err() {
            return Err(Answer::new("00", "005"));
        }
        if behaviour == CardBehaviour::Decline {
            return Err(Answer::new(failure, "666"));
        }
        let fort_id = self.new_fort_id();
        let authorization_code = format!("{:06}", self.next_number() % 1_000_000);
        let (status, message) = match behaviour {
            CardBehaviour::Uncertain => ("15", "777"),
            CardBehaviour::Approve | CardBehaviour::Decline => (command.status_pair().0, "000"),
        };
        let amount = money.minor_units();
        let order = SimOrder {
            merchant_reference: reference.clone(),
            fort_id: fort_id.clone(),
            kind: command,
            payment_option: payment_option.clone(),
            currency: money.currency(),
            amount,
            authorized: amount,
            captured: if command == Command::Purchase {
                amount
            } else {
                0
            },
            refunded: 0,
            voided: false,
            masked_card: masked_card.clone(),
            authorization_code: authorization_code.clone(),
            customer_email,
            customer_name: request.non_empty("customer_name").map(str::to_owned),
            knet_ref_number: extra.text("knet_ref_number").map(str::to_owned),
            third_party_transaction_number: extra
                .text("third_party_transaction_number")
                .map(str::to_owned),
            payment_link_id: None,
            digital_wallet: (set == CredentialSet::ApplePay).then(|| APPLE_PAY_WALLET.to_owned()),
            created_at: now,
            history: vec![HistoryEntry {
                command,
                amount: Some(amount),
                response_code: format!("{status}{message}"),
                at: now,
            }],
            refunds_by_reference: HashMap::new(),
        };
        self.insert_order(order);
        extra.set("fort_id", fort_id);
        extra.set("authorization_code", authorization_code);
        extra.set("payment_option", payment_option);
        if set == CredentialSet::ApplePay {
            extra.set("digital_wallet", APPLE_PAY_WALLET);
        }
        if let Some(masked) = masked_card {
            extra.set("card_number", masked);
        }
        Ok(Answer {
            status,
            message,
            extra,
        })
    }

    /// The numbers a local method's payment answers with: KNET's
    /// `knet_ref_number` and `third_party_transaction_number`; BENEFIT's and
    /// OmanNet's third-party number.
    fn local_method_numbers(&mut self, method: &str) -> (Option<String>, Option<String>) {
        let number = self.next_number();
        let third_party = || format!("{:016}", 2_026_000_000_000_000 + number);
        match method {
            "KNET" => (
                Some(format!("{:012}", 600_000_000_000 + number)),
                Some(third_party()),
            ),
            "BENEFIT" | "OMANNET" => (None, Some(third_party())),
            _ => (None, None),
        }
    }

    /// Adds a token (used by the demo seed).
    pub fn insert_token(&mut self, token: SimToken) {
        self.tokens.insert(token.token_name.clone(), token);
    }

    /// Adds an order (used by payments, paid links and the demo seed).
    pub fn insert_order(&mut self, order: SimOrder) {
        self.order_by_fort_id
            .insert(order.fort_id.clone(), order.merchant_reference.clone());
        self.orders.insert(order.merchant_reference.clone(), order);
    }

    /// The order a maintenance request names, checked for currency; the
    /// request's money when it carries some.
    fn maintained_order(
        &mut self,
        request: &Params,
        set: CredentialSet,
        failure: &'static str,
        with_amount: bool,
    ) -> Result<(String, Option<Money>), Answer> {
        let reference = require_reference(request, failure)?;
        let fort_id = request.non_empty("fort_id");
        if fort_id.is_some_and(|id| !id.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Answer::new("00", "002"));
        }
        let money = if with_amount {
            Some(require_money(request, failure)?)
        } else {
            None
        };
        let key = self
            .find_order_key(Some(&reference), fort_id)
            .ok_or(Answer::new(failure, "036"))?;
        let order = &self.orders[&key];
        if order.credential_set() != set {
            // An Apple Pay order maintained with the merchant's set (or the
            // reverse): APS checks the signature against the order's set.
            return Err(Answer::new("00", "008"));
        }
        if money.is_some_and(|money| money.currency() != order.currency) {
            return Err(Answer::new(failure, "013"));
        }
        Ok((key, money))
    }

    fn capture(
        &mut self,
        request: &Params,
        set: CredentialSet,
        now: Timestamp,
    ) -> Result<Answer, Answer> {
        let (key, money) = self.maintained_order(request, set, "05", true)?;
        let amount = money.map_or(0, Money::minor_units);
        let order = self.orders.get_mut(&key).ok_or(Answer::new("05", "036"))?;
        if order.kind == Command::Purchase {
            // The guide's error table answers 00049 (status 00, not the
            // capture's 05): a purchase has no authorization to capture.
            return Err(Answer::new("00", "049"));
        }
        if order.voided {
            return Err(Answer::new("05", "034"));
        }
        if now.duration_since(order.created_at) > CAPTURE_WINDOW {
            // The guide: capture "within 5-7 days of authorization". APS
            // documents no code for a late one; `05034` ("operation not
            // allowed") is the simulator's choice, as for a voided one.
            return Err(Answer::new("05", "034"));
        }
        if money.is_some_and(|money| !visa_amount_allowed(order, money)) {
            return Err(Answer::new("00", "005"));
        }
        if amount > order.authorized - order.captured {
            return Err(Answer::new("05", "042"));
        }
        order.captured += amount;
        record(order, Command::Capture, Some(amount), "04000", now);
        Ok(maintenance_answer("04", order))
    }

    fn void(
        &mut self,
        request: &Params,
        set: CredentialSet,
        now: Timestamp,
    ) -> Result<Answer, Answer> {
        let (key, _) = self.maintained_order(request, set, "09", false)?;
        let order = self.orders.get_mut(&key).ok_or(Answer::new("09", "036"))?;
        if order.kind == Command::Purchase {
            // As for capture: the guide's 00049.
            return Err(Answer::new("00", "049"));
        }
        if order.voided {
            return Err(Answer::new("09", "047"));
        }
        if order.captured > 0 {
            return Err(Answer::new("09", "034"));
        }
        order.voided = true;
        record(order, Command::VoidAuthorization, None, "08000", now);
        Ok(maintenance_answer("08", order))
    }

    fn refund(
        &mut self,
        request: &Params,
        set: CredentialSet,
        now: Timestamp,
    ) -> Result<Answer, Answer> {
        let (key, money) = self.maintained_order(request, set, "07", true)?;
        let amount = money.map_or(0, Money::minor_units);
        let maintenance_reference = request
            .non_empty("maintenance_reference")
            .map(str::to_owned);
        if maintenance_reference
            .as_deref()
            .is_some_and(|reference| validate::maintenance_reference(Some(reference)).is_err())
        {
            return Err(Answer::new("00", "002"));
        }
        let order = self.orders.get_mut(&key).ok_or(Answer::new("07", "036"))?;
        if let Some(previous) = maintenance_reference
            .as_deref()
            .and_then(|reference| order.refunds_by_reference.get(reference))
        {
            // The same refund again: answer as before, move nothing.
            return Ok(Answer {
                status: "06",
                message: "000",
                extra: previous.clone(),
            });
        }
        if money.is_some_and(|money| !visa_amount_allowed(order, money)) {
            return Err(Answer::new("00", "005"));
        }
        if amount > order.captured - order.refunded {
            // The guide's error table: 00048, not the refund's 07.
            return Err(Answer::new("00", "048"));
        }
        order.refunded += amount;
        record(order, Command::Refund, Some(amount), "06000", now);
        let answer = maintenance_answer("06", order);
        if let Some(reference) = maintenance_reference {
            order
                .refunds_by_reference
                .insert(reference, answer.extra.clone());
        }
        Ok(answer)
    }

    fn check_status(&mut self, request: &Params) -> Result<Answer, Answer> {
        let reference = request.non_empty("merchant_reference");
        let fort_id = request.non_empty("fort_id");
        if reference.is_none() && fort_id.is_none() {
            return Err(Answer::new("00", "001"));
        }
        if reference.is_some_and(|r| validate::merchant_reference(r).is_err())
            || fort_id.is_some_and(|id| !id.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(Answer::new("00", "002"));
        }
        let Some(order) = self
            .find_order_key(reference, fort_id)
            .and_then(|key| self.orders.get(&key))
        else {
            return Err(Answer::new("12", "036"));
        };
        let mut answer = Answer::new("12", "000")
            .with("merchant_reference", order.merchant_reference.clone())
            .with("fort_id", order.fort_id.clone())
            .with("amount", order.amount.to_string())
            .with("currency", order.currency.code())
            .with("authorized_amount", order.authorized.to_string())
            .with("captured_amount", order.captured.to_string())
            .with("refunded_amount", order.refunded.to_string())
            .with("payment_option", order.payment_option.clone())
            .with("authorization_code", order.authorization_code.clone());
        // The processor's and acquirer's own codes, answered when asked for
        // (`return_third_party_response_codes=YES`), so that a test can tell
        // the question reached APS.
        if request.non_empty("return_third_party_response_codes") == Some("YES") {
            answer = answer
                .with("processor_response_code", "00")
                .with("acquirer_response_code", "00")
                .with("acquirer_response_message", "Approved");
        }
        if let Some(last) = order.last() {
            let code = last.response_code.clone();
            let message = codes::message_text(&code[2..], Language::En).unwrap_or_default();
            answer = answer
                .with("transaction_status", &code[..2])
                .with("transaction_code", code.clone())
                .with("transaction_message", message);
        }
        if let Some(masked) = &order.masked_card {
            answer = answer.with("card_number", masked.clone());
        }
        for (name, value) in [
            ("knet_ref_number", &order.knet_ref_number),
            (
                "third_party_transaction_number",
                &order.third_party_transaction_number,
            ),
            ("payment_link_id", &order.payment_link_id),
            ("digital_wallet", &order.digital_wallet),
        ] {
            if let Some(value) = value {
                answer = answer.with(name, value.clone());
            }
        }
        Ok(answer)
    }

    fn update_token(&mut self, request: &Params, now: Timestamp) -> Result<Answer, Answer> {
        require_reference(request, "59")?;
        let token_name = request
            .non_empty("token_name")
            .ok_or(Answer::new("00", "001"))?;
        let mut token = self
            .tokens
            .get(token_name)
            .cloned()
            .ok_or(Answer::new("59", "044"))?;
        if let Some(expiry) = request.non_empty("expiry_date") {
            match validate::card_expiry("expiry_date", expiry, validate::yymm_of(now)) {
                Ok(expiry) => token.expiry_date = expiry,
                Err(error) if error.problem == Problem::CardExpired => {
                    return Err(Answer::new("59", "012"));
                }
                Err(_) => return Err(Answer::new("00", "002")),
            }
        }
        if let Some(name) = request.non_empty("card_holder_name") {
            if name.chars().count() > 50 {
                return Err(Answer::new("00", "002"));
            }
            token.card_holder_name = Some(name.to_owned());
        }
        match request.non_empty("token_status") {
            Some("ACTIVE") => token.active = true,
            Some("INACTIVE") => token.active = false,
            Some(_) => return Err(Answer::new("00", "002")),
            None => {}
        }
        if let Some(new_name) = request.non_empty("new_token_name") {
            if validate::token_name("new_token_name", new_name).is_err() {
                return Err(Answer::new("00", "002"));
            }
            if new_name != token_name && self.tokens.contains_key(new_name) {
                return Err(Answer::new("59", "114"));
            }
            self.tokens.remove(token_name);
            new_name.clone_into(&mut token.token_name);
        }
        let answer = Answer::new("58", "000")
            .with("token_name", token.token_name.clone())
            .with("card_number", token.masked_card.clone())
            .with("card_bin", token.card_bin.clone())
            .with("card_brand", token.card_brand.clone())
            .with("expiry_date", token.expiry_date.clone())
            .with(
                "token_status",
                if token.active { "ACTIVE" } else { "INACTIVE" },
            )
            .with("creation_date", token.created_at.to_string());
        self.tokens.insert(token.token_name.clone(), token);
        Ok(answer)
    }

    fn payment_link(&mut self, request: &Params, now: Timestamp) -> Result<Answer, Answer> {
        let reference = require_reference(request, "49")?;
        let money = require_money(request, "49")?;
        let email = request
            .non_empty("customer_email")
            .ok_or(Answer::new("00", "001"))?;
        validate::email("customer_email", email).map_err(|_| Answer::new("00", "002"))?;
        let expiry_text = request
            .non_empty("request_expiry_date")
            .ok_or(Answer::new("00", "001"))?;
        let expires_at = match validate::future_datetime("request_expiry_date", expiry_text, now) {
            Ok(_) => expiry_text
                .parse::<Timestamp>()
                .map_err(|_| Answer::new("00", "002"))?,
            Err(error) if error.problem == Problem::NotInFuture => {
                return Err(Answer::new("49", "100"));
            }
            Err(_) => return Err(Answer::new("00", "002")),
        };
        let notification = request
            .non_empty("notification_type")
            .ok_or(Answer::new("00", "001"))?;
        let kinds: Vec<&str> = notification.split(',').map(str::trim).collect();
        if !kinds
            .iter()
            .all(|kind| matches!(*kind, "EMAIL" | "SMS" | "NONE"))
        {
            return Err(Answer::new("00", "002"));
        }
        if kinds.contains(&"SMS")
            && !kinds.contains(&"NONE")
            && request.non_empty("customer_phone").is_none()
        {
            return Err(Answer::new("00", "001"));
        }
        let link_command = match request.non_empty("link_command") {
            None | Some("PURCHASE") => Command::Purchase,
            Some("AUTHORIZATION") => Command::Authorization,
            Some(_) => return Err(Answer::new("00", "002")),
        };
        let option = request.non_empty("payment_option");
        if validate::visa_amount("amount", money, option).is_err() {
            return Err(Answer::new("00", "005"));
        }
        let local = option.and_then(|option| {
            LOCAL_METHODS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(option))
        });
        if let Some((_, currency)) = local {
            // The guide: local methods are paid by PURCHASE, in their currency.
            if link_command == Command::Authorization {
                return Err(Answer::new("00", "049"));
            }
            if money.currency().code() != *currency {
                return Err(Answer::new("49", "013"));
            }
        }
        if request
            .non_empty("return_url")
            .is_some_and(|url| validate::https_url("return_url", Some(url)).is_err())
        {
            return Err(Answer::new("00", "002"));
        }
        if self.orders.contains_key(&reference)
            || self
                .links
                .values()
                .any(|link| link.merchant_reference == reference)
        {
            return Err(Answer::new("49", "066"));
        }
        let payment_link_id = format!("{}", 7_000_000_000u64 + self.next_number());
        let url = format!("{}/sim/pay/{payment_link_id}", self.public_base_url);
        self.links.insert(
            payment_link_id.clone(),
            SimLink {
                payment_link_id: payment_link_id.clone(),
                merchant_reference: reference,
                amount: money.minor_units(),
                currency: money.currency(),
                link_command,
                payment_option: request.non_empty("payment_option").map(str::to_owned),
                customer_email: email.to_owned(),
                customer_name: request.non_empty("customer_name").map(str::to_owned),
                expires_at,
                paid_fort_id: None,
            },
        );
        Ok(Answer::new("48", "000")
            .with("payment_link_id", payment_link_id)
            .with("payment_link", url))
    }

    fn payment_link_status(&mut self, request: &Params, now: Timestamp) -> Result<Answer, Answer> {
        let link = if let Some(id) = request.non_empty("payment_link_id") {
            self.links.get(id)
        } else if let Some(reference) = request.non_empty("merchant_reference") {
            self.links
                .values()
                .find(|link| link.merchant_reference == reference)
        } else {
            return Err(Answer::new("00", "001"));
        };
        let link = link.ok_or(Answer::new("11", "149"))?;
        let mut answer = Answer::new("12", "000")
            .with("payment_link_id", link.payment_link_id.clone())
            .with("merchant_reference", link.merchant_reference.clone())
            .with("payment_link_status", link.status(now).as_str())
            .with("amount", link.amount.to_string())
            .with("currency", link.currency.code());
        if let Some(fort_id) = &link.paid_fort_id {
            answer = answer.with("fort_id", fort_id.clone());
        }
        Ok(answer)
    }

    /// The simulator's side door: the customer pays a link, by the approving
    /// Visa test card unless the link names a local method.
    pub fn pay_link(
        &mut self,
        payment_link_id: &str,
        now: Timestamp,
    ) -> Result<String, PayLinkError> {
        let link = self
            .links
            .get(payment_link_id)
            .cloned()
            .ok_or_else(|| PayLinkError::NotFound(payment_link_id.to_owned()))?;
        match link.status(now) {
            LinkStatus::Paid => return Err(PayLinkError::AlreadyPaid(payment_link_id.to_owned())),
            LinkStatus::Expired => return Err(PayLinkError::Expired(payment_link_id.to_owned())),
            LinkStatus::Open => {}
        }
        let fort_id = self.new_fort_id();
        let authorization_code = format!("{:06}", self.next_number() % 1_000_000);
        let local = link.payment_option.as_deref().and_then(|option| {
            LOCAL_METHODS
                .iter()
                .map(|(name, _)| *name)
                .find(|name| name.eq_ignore_ascii_case(option))
        });
        let (knet_ref_number, third_party_transaction_number) =
            local.map_or((None, None), |method| self.local_method_numbers(method));
        let kind = if local.is_some() {
            Command::Purchase
        } else {
            link.link_command
        };
        let status = kind.status_pair().0;
        self.insert_order(SimOrder {
            merchant_reference: link.merchant_reference.clone(),
            fort_id: fort_id.clone(),
            kind,
            payment_option: local.unwrap_or("VISA").to_owned(),
            currency: link.currency,
            amount: link.amount,
            authorized: link.amount,
            captured: if kind == Command::Purchase {
                link.amount
            } else {
                0
            },
            refunded: 0,
            voided: false,
            masked_card: local
                .is_none()
                .then(|| mask_card_number("4005550000000001")),
            authorization_code,
            customer_email: Some(link.customer_email.clone()),
            customer_name: link.customer_name.clone(),
            knet_ref_number,
            third_party_transaction_number,
            payment_link_id: Some(payment_link_id.to_owned()),
            digital_wallet: None,
            created_at: now,
            history: vec![HistoryEntry {
                command: kind,
                amount: Some(link.amount),
                response_code: format!("{status}000"),
                at: now,
            }],
            refunds_by_reference: HashMap::new(),
        });
        if let Some(stored) = self.links.get_mut(payment_link_id) {
            stored.paid_fort_id = Some(fort_id.clone());
        }
        if let Some(order) = self.orders.get(&link.merchant_reference)
            && let Some(step) = order.history.first()
        {
            let notification = self.history_notification(order, step);
            self.outbox.push((notification, order.credential_set()));
        }
        Ok(fort_id)
    }
}

/// The guide's VISA rule: in a 3-decimal currency the last decimal is 0.
fn visa_amount_allowed(order: &SimOrder, money: Money) -> bool {
    validate::visa_amount("amount", money, Some(&order.payment_option)).is_ok()
}

fn record(order: &mut SimOrder, command: Command, amount: Option<u64>, code: &str, now: Timestamp) {
    order.history.push(HistoryEntry {
        command,
        amount,
        response_code: code.to_owned(),
        at: now,
    });
}

fn maintenance_answer(status: &'static str, order: &SimOrder) -> Answer {
    let answer = Answer::new(status, "000")
        .with("fort_id", order.fort_id.clone())
        .with("authorization_code", order.authorization_code.clone())
        .with("payment_option", order.payment_option.clone());
    match &order.digital_wallet {
        Some(wallet) => answer.with("digital_wallet", wallet.clone()),
        None => answer,
    }
}

fn require_reference(request: &Params, _failure: &'static str) -> Result<String, Answer> {
    let reference = request
        .non_empty("merchant_reference")
        .ok_or(Answer::new("00", "001"))?;
    validate::merchant_reference(reference).map_err(|_| Answer::new("00", "002"))
}

/// `amount` and `currency`: missing is 001, a malformed amount or unknown
/// currency 002, zero 005.
fn require_money(request: &Params, _failure: &'static str) -> Result<Money, Answer> {
    let amount = request
        .non_empty("amount")
        .ok_or(Answer::new("00", "001"))?;
    let currency = request
        .non_empty("currency")
        .ok_or(Answer::new("00", "001"))?;
    let currency = Currency::from_code(currency).ok_or(Answer::new("00", "013"))?;
    Money::parse_minor(amount, currency).map_err(|error| match error {
        crate::aps::money::AmountError::Zero => Answer::new("00", "005"),
        _ => Answer::new("00", "002"),
    })
}

/// A small, fixed catalogue of installment plans.
fn installment_plans(request: &Params) -> Answer {
    let plan = |code: &str, months: &str, fee: &str| {
        Value::Object(vec![
            ("plan_code".into(), Value::Text(code.into())),
            ("number_of_installment".into(), Value::Text(months.into())),
            ("fee_display_value".into(), Value::Text(fee.into())),
            ("fees_type".into(), Value::Text("Percentage".into())),
        ])
    };
    let issuer = |code: &str, en: &str, ar: &str, plans: Vec<Value>| {
        Value::Object(vec![
            ("issuer_code".into(), Value::Text(code.into())),
            ("issuer_name_en".into(), Value::Text(en.into())),
            ("issuer_name_ar".into(), Value::Text(ar.into())),
            ("plan_details".into(), Value::List(plans)),
        ])
    };
    let mut issuers = vec![
        issuer(
            "FAB",
            "First Abu Dhabi Bank",
            "بنك أبوظبي الأول",
            vec![
                plan("FAB3", "3", "0"),
                plan("FAB6", "6", "150"),
                plan("FAB12", "12", "300"),
            ],
        ),
        issuer(
            "NBK",
            "National Bank of Kuwait",
            "بنك الكويت الوطني",
            vec![plan("NBK6", "6", "0"), plan("NBK12", "12", "250")],
        ),
        issuer(
            "SNB",
            "Saudi National Bank",
            "البنك الأهلي السعودي",
            vec![plan("SNB3", "3", "0"), plan("SNB24", "24", "500")],
        ),
    ];
    if let Some(code) = request.non_empty("issuer_code") {
        issuers.retain(|issuer| {
            matches!(issuer, Value::Object(members) if members.first().and_then(|(_, v)| v.as_text()) == Some(code))
        });
        if issuers.is_empty() {
            return Answer::new("63", "092");
        }
    }
    let mut answer = Answer::new("62", "000");
    answer.extra.push_value(
        "installment_detail",
        Value::Object(vec![("issuer_detail".into(), Value::List(issuers))]),
    );
    answer
}

/// The response: every parameter sent comes back (card data masked, the
/// security code and signature dropped), then the answer's own fields.
fn respond(
    request: &Params,
    command: Option<Command>,
    answer: &Answer,
    language: Language,
) -> Params {
    let mut response = Params::new();
    for (name, value) in request {
        match name {
            "signature" | "card_security_code" => {}
            "card_number" => {
                let masked = value.as_text().map(mask_card_number).unwrap_or_default();
                response.push(name, masked);
            }
            _ => response.push_value(name, value.clone()),
        }
    }
    for (name, value) in &answer.extra {
        if let Some(text) = value.as_text() {
            response.set(name, text);
        } else {
            response.remove(name);
            response.push_value(name, value.clone());
        }
    }
    let message = codes::message_text(answer.message, language)
        .or_else(|| codes::message_text(answer.message, Language::En))
        .unwrap_or("");
    response.set(
        "response_code",
        format!("{}{}", answer.status, answer.message),
    );
    response.set("response_message", message);
    response.set("status", answer.status);
    if command.is_none() {
        response.remove("signature");
    }
    response
}
