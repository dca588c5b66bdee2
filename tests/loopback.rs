//! Every operation round-tripped between the client and the simulator over
//! real loopback HTTP, and every outcome class, faults included.

mod common;

use apsdesk::aps::client::SendError;
use apsdesk::aps::request::{
    Capture, CheckPaymentLinkStatus, CheckStatus, GetInstallmentsPlans, MaintenanceForm,
    PaymentLink, PaymentLinkForm, Refund, UpdateToken, UpdateTokenForm, VoidAuthorization,
};
use apsdesk::aps::response::{CheckStatusResponse, MaintenanceResponse};
use apsdesk::aps::{Command, Language, OutcomeClass, Secret};
use apsdesk::sim::{FaultKind, FaultRule};
use common::{APPROVE_CARD, DECLINE_CARD, UNCERTAIN_CARD, card_payment, client, start_sim};

fn form(reference: &str, amount: &str, currency: &str) -> MaintenanceForm {
    MaintenanceForm {
        merchant_reference: reference.into(),
        amount: amount.into(),
        currency: currency.into(),
        ..Default::default()
    }
}

async fn authorize(
    client: &apsdesk::aps::client::Client,
    reference: &str,
    amount: &str,
    currency: &str,
) -> MaintenanceResponse {
    let outcome = client
        .send_params::<MaintenanceResponse>(
            Command::Authorization,
            &card_payment(reference, amount, currency, APPROVE_CARD),
            Language::En,
        )
        .await
        .expect("sent");
    assert_eq!(
        outcome.class,
        OutcomeClass::Succeeded,
        "{}",
        outcome.summary()
    );
    outcome.typed.expect("trusted")
}

async fn status(client: &apsdesk::aps::client::Client, reference: &str) -> CheckStatusResponse {
    let outcome = client
        .send(
            &CheckStatus::for_reference(reference).expect("valid"),
            Language::En,
        )
        .await
        .expect("sent");
    assert_eq!(
        outcome.class,
        OutcomeClass::Succeeded,
        "{}",
        outcome.summary()
    );
    outcome.typed.expect("trusted")
}

#[tokio::test]
async fn partial_captures_then_refunds_then_status() {
    let sim = start_sim().await;
    let client = client(&sim);
    let authorized = authorize(&client, "ORD-1", "10000", "KWD").await;
    assert!(authorized.common.fort_id.is_some());

    let capture = Capture::parse(&form("ORD-1", "4.000", "KWD")).expect("valid");
    let outcome = client.send(&capture, Language::En).await.expect("sent");
    assert_eq!(outcome.class, OutcomeClass::Succeeded);
    assert_eq!(outcome.response_code(), Some("04000"));
    let capture = Capture::parse(&form("ORD-1", "6.010", "KWD")).expect("valid");
    let outcome = client.send(&capture, Language::En).await.expect("sent");
    assert_eq!(outcome.class, OutcomeClass::Declined);
    assert_eq!(outcome.response_code(), Some("05042"));
    let capture = Capture::parse(&form("ORD-1", "6", "KWD")).expect("valid");
    assert_eq!(
        client
            .send(&capture, Language::En)
            .await
            .expect("sent")
            .class,
        OutcomeClass::Succeeded
    );

    let refund = Refund::parse(&form("ORD-1", "2.500", "KWD")).expect("valid");
    let outcome = client.send(&refund, Language::En).await.expect("sent");
    assert_eq!(outcome.class, OutcomeClass::Succeeded);
    assert_eq!(
        outcome
            .typed
            .and_then(|r| r.amount)
            .map(apsdesk::aps::Money::minor_units),
        Some(2500)
    );
    let refund = Refund::parse(&form("ORD-1", "7.510", "KWD")).expect("valid");
    let outcome = client.send(&refund, Language::En).await.expect("sent");
    assert_eq!(
        (outcome.class, outcome.response_code()),
        (OutcomeClass::Declined, Some("00048"))
    );

    let response = status(&client, "ORD-1").await;
    let totals = response.totals.expect("totals");
    assert_eq!(
        (totals.authorized, totals.captured, totals.refunded),
        (10_000, 10_000, 2_500)
    );
    assert_eq!(response.transaction_code.as_deref(), Some("06000"));
    assert_eq!(
        response.currency.map(apsdesk::aps::Currency::code),
        Some("KWD")
    );
}

#[tokio::test]
async fn void_only_before_capture() {
    let sim = start_sim().await;
    let client = client(&sim);
    authorize(&client, "V-1", "5000", "SAR").await;
    authorize(&client, "V-2", "5000", "SAR").await;
    let void = VoidAuthorization::parse(&form("V-1", "", "")).expect("valid");
    let outcome = client.send(&void, Language::En).await.expect("sent");
    assert_eq!(
        (outcome.class, outcome.response_code()),
        (OutcomeClass::Succeeded, Some("08000"))
    );
    let outcome = client.send(&void, Language::En).await.expect("sent");
    assert_eq!(outcome.class, OutcomeClass::Declined);

    let capture = Capture::parse(&form("V-2", "1", "SAR")).expect("valid");
    client.send(&capture, Language::En).await.expect("sent");
    let void = VoidAuthorization::parse(&form("V-2", "", "")).expect("valid");
    let outcome = client.send(&void, Language::En).await.expect("sent");
    assert_eq!(
        (outcome.class, outcome.response_code()),
        (OutcomeClass::Declined, Some("09034"))
    );
}

#[tokio::test]
async fn declined_and_uncertain_cards() {
    let sim = start_sim().await;
    let client = client(&sim);
    let outcome = client
        .send_params::<MaintenanceResponse>(
            Command::Purchase,
            &card_payment("D-1", "100", "USD", DECLINE_CARD),
            Language::En,
        )
        .await
        .expect("sent");
    assert_eq!(
        (outcome.class, outcome.response_code()),
        (OutcomeClass::Declined, Some("13666"))
    );
    let outcome = client
        .send_params::<MaintenanceResponse>(
            Command::Authorization,
            &card_payment("U-1", "100", "USD", UNCERTAIN_CARD),
            Language::En,
        )
        .await
        .expect("sent");
    assert_eq!(
        (outcome.class, outcome.response_code()),
        (OutcomeClass::Uncertain, Some("15777"))
    );
    // The simulator applied it: CHECK_STATUS finds the authorization.
    let totals = status(&client, "U-1").await.totals.expect("totals");
    assert_eq!(totals.authorized, 100);
}

#[tokio::test]
async fn a_dropped_connection_after_an_applied_refund_is_uncertain_and_not_retried() {
    let sim = start_sim().await;
    let client = client(&sim);
    authorize(&client, "DROP-1", "20000", "AED").await;
    let capture = Capture::parse(&form("DROP-1", "200", "AED")).expect("valid");
    client.send(&capture, Language::En).await.expect("sent");

    sim.inject(FaultRule::once(Command::Refund, FaultKind::DropAfterApply));
    let refund = Refund::parse(&MaintenanceForm {
        maintenance_reference: Some("RF-1".into()),
        ..form("DROP-1", "50", "AED")
    })
    .expect("valid");
    let outcome = client
        .send(&refund, Language::En)
        .await
        .expect("the request left");
    assert_eq!(
        outcome.class,
        OutcomeClass::Uncertain,
        "{}",
        outcome.summary()
    );
    assert_eq!(outcome.attempts, 1, "a refund is never retried");
    assert!(outcome.typed.is_none());

    // The money moved once; reconciliation can see it.
    let totals = status(&client, "DROP-1").await.totals.expect("totals");
    assert_eq!(totals.refunded, 5000);
    // Sending the same refund id again moves nothing more.
    let again = client.send(&refund, Language::En).await.expect("sent");
    assert_eq!(again.class, OutcomeClass::Succeeded);
    assert_eq!(
        status(&client, "DROP-1")
            .await
            .totals
            .expect("totals")
            .refunded,
        5000
    );
}

#[tokio::test]
async fn http_errors_are_uncertain_for_money_and_retried_for_queries() {
    let sim = start_sim().await;
    let client = client(&sim);
    authorize(&client, "H-1", "1000", "USD").await;
    for status_code in [500, 503, 429] {
        sim.inject(FaultRule::once(
            Command::Capture,
            FaultKind::HttpStatus {
                status: status_code,
            },
        ));
        let capture = Capture::parse(&form("H-1", "1", "USD")).expect("valid");
        let outcome = client.send(&capture, Language::En).await.expect("sent");
        assert_eq!(outcome.class, OutcomeClass::Uncertain, "HTTP {status_code}");
        assert_eq!(
            (outcome.attempts, outcome.http_status),
            (1, Some(status_code))
        );
    }
    sim.inject(FaultRule {
        command: Some("CHECK_STATUS".into()),
        kind: FaultKind::HttpStatus { status: 503 },
        times: Some(2),
    });
    let outcome = client
        .send(
            &CheckStatus::for_reference("H-1").expect("valid"),
            Language::En,
        )
        .await
        .expect("sent");
    assert_eq!(
        (outcome.class, outcome.attempts),
        (OutcomeClass::Succeeded, 3)
    );
}

#[tokio::test]
async fn bad_or_missing_response_signatures_are_untrusted() {
    let sim = start_sim().await;
    let client = client(&sim);
    authorize(&client, "S-1", "1000", "USD").await;
    for kind in [FaultKind::WrongSignature, FaultKind::MissingSignature] {
        sim.inject(FaultRule::once(Command::Capture, kind));
        let capture = Capture::parse(&form("S-1", "1", "USD")).expect("valid");
        let outcome = client.send(&capture, Language::En).await.expect("sent");
        assert_eq!(outcome.class, OutcomeClass::Untrusted, "{kind:?}");
        assert!(outcome.typed.is_none() && outcome.response_code().is_none());
        assert!(outcome.response.is_some(), "kept as evidence");
    }
    // A client with the wrong response phrase trusts nothing.
    let mut credentials = sim.credentials();
    credentials.response_phrase = Secret::new("wrong");
    let client = common::client_with(&sim, credentials);
    let outcome = client
        .send(
            &CheckStatus::for_reference("S-1").expect("valid"),
            Language::En,
        )
        .await
        .expect("sent");
    assert_eq!(outcome.class, OutcomeClass::Untrusted);
}

#[tokio::test]
async fn malformed_answers_and_timeouts_are_uncertain() {
    let sim = start_sim().await;
    let client = client(&sim);
    authorize(&client, "M-1", "1000", "USD").await;
    sim.inject(FaultRule::once(Command::Capture, FaultKind::MalformedJson));
    let capture = Capture::parse(&form("M-1", "1", "USD")).expect("valid");
    let outcome = client.send(&capture, Language::En).await.expect("sent");
    assert_eq!(outcome.class, OutcomeClass::Uncertain);
    sim.inject(FaultRule::once(
        Command::Capture,
        FaultKind::Latency { millis: 3000 },
    ));
    let outcome = client.send(&capture, Language::En).await.expect("sent");
    assert_eq!(
        (outcome.class, outcome.attempts),
        (OutcomeClass::Uncertain, 1)
    );
}

#[tokio::test]
async fn a_wrong_request_phrase_is_declined_with_008_and_nothing_moves() {
    let sim = start_sim().await;
    let mut credentials = sim.credentials();
    credentials.request_phrase = Secret::new("wrong");
    let client = common::client_with(&sim, credentials);
    let outcome = client
        .send(
            &CheckStatus::for_reference("ANY").expect("valid"),
            Language::En,
        )
        .await
        .expect("sent");
    assert_eq!(
        (outcome.class, outcome.response_code()),
        (OutcomeClass::Declined, Some("00008"))
    );
}

#[tokio::test]
async fn an_unreachable_server_means_nothing_was_sent() {
    let sim = start_sim().await;
    let endpoint = sim.endpoint();
    let credentials = sim.credentials();
    sim.shutdown().await;
    let client =
        apsdesk::aps::client::Client::with_options(&endpoint, credentials, common::fast_options())
            .expect("client builds");
    let capture = Capture::parse(&form("X-1", "1", "USD")).expect("valid");
    let result = client.send(&capture, Language::En).await;
    assert!(
        matches!(result, Err(SendError::NotConnected { .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn unknown_orders_answer_036_and_arabic_is_answered_in_arabic() {
    let sim = start_sim().await;
    let client = client(&sim);
    let outcome = client
        .send(
            &CheckStatus::for_reference("NOPE").expect("valid"),
            Language::Ar,
        )
        .await
        .expect("sent");
    assert_eq!(outcome.class, OutcomeClass::Succeeded);
    let typed = outcome.typed.as_ref().expect("trusted");
    assert!(!typed.order_found());
    let message = outcome.response_message().expect("message");
    assert!(
        message
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "{message}"
    );
}

#[tokio::test]
async fn tokens_links_and_installments() {
    let sim = start_sim().await;
    let client = client(&sim);
    let authorized = client
        .send_params::<apsdesk::aps::response::UpdateTokenResponse>(
            Command::Authorization,
            &card_payment("T-1", "1000", "USD", APPROVE_CARD),
            Language::En,
        )
        .await
        .expect("sent");
    let token_name = authorized
        .typed
        .and_then(|t| t.token_name)
        .expect("a token was issued");
    let now = jiff::Timestamp::now();
    let update = UpdateToken::parse(
        &UpdateTokenForm {
            merchant_reference: "T-1".into(),
            token_name: token_name.clone(),
            token_status: Some("INACTIVE".into()),
            new_token_name: Some("renamed.token".into()),
            expiry_date: Some("3107".into()),
            ..Default::default()
        },
        now,
    )
    .expect("valid");
    let outcome = client.send(&update, Language::En).await.expect("sent");
    assert_eq!(
        outcome.class,
        OutcomeClass::Succeeded,
        "{}",
        outcome.summary()
    );
    let typed = outcome.typed.expect("trusted");
    assert_eq!(typed.token_name.as_deref(), Some("renamed.token"));
    assert_eq!(typed.token_status.as_deref(), Some("INACTIVE"));
    assert_eq!(typed.card_number.as_deref(), Some("400555******0001"));
    let outcome = client.send(&update, Language::En).await.expect("sent");
    assert_eq!(
        (outcome.class, outcome.response_code()),
        (OutcomeClass::Declined, Some("59044"))
    );

    let expiry = now
        .checked_add(jiff::SignedDuration::from_hours(48))
        .expect("in range")
        .to_string();
    let link = PaymentLink::parse(
        &PaymentLinkForm {
            merchant_reference: "LINK-1".into(),
            amount: "25.750".into(),
            currency: "KWD".into(),
            customer_email: "buyer@example.com".into(),
            request_expiry_date: expiry,
            notification_type: "EMAIL".into(),
            payment_option: Some("KNET".into()),
            ..Default::default()
        },
        now,
    )
    .expect("valid");
    let outcome = client.send(&link, Language::En).await.expect("sent");
    assert_eq!(
        outcome.class,
        OutcomeClass::Succeeded,
        "{}",
        outcome.summary()
    );
    let created = outcome.typed.expect("trusted");
    let link_id = created.payment_link_id.expect("id");
    assert!(created.payment_link.expect("url").contains(&link_id));
    let check = CheckPaymentLinkStatus::parse(Some(&link_id), None).expect("valid");
    let outcome = client.send(&check, Language::En).await.expect("sent");
    assert_eq!(
        outcome.typed.and_then(|t| t.payment_link_status).as_deref(),
        Some("OPEN")
    );
    let fort_id = sim.pay_link(&link_id).expect("paid");
    let outcome = client.send(&check, Language::En).await.expect("sent");
    assert_eq!(
        outcome.typed.and_then(|t| t.payment_link_status).as_deref(),
        Some("PAID")
    );
    let paid = status(&client, "LINK-1").await;
    assert_eq!(paid.common.fort_id.as_deref(), Some(fort_id.as_str()));
    assert_eq!(paid.payment_option.as_deref(), Some("KNET"));

    let plans = GetInstallmentsPlans::parse(Some("1000"), Some("AED"), None).expect("valid");
    let outcome = client.send(&plans, Language::En).await.expect("sent");
    assert_eq!(
        outcome.class,
        OutcomeClass::Succeeded,
        "{}",
        outcome.summary()
    );
    assert!(outcome.typed.and_then(|t| t.installment_detail).is_some());
}

#[tokio::test]
async fn knet_purchases_carry_their_receipt_fields_and_refuse_capture() {
    let sim = start_sim().await;
    let client = client(&sim);
    let payment = common::pairs(&[
        ("merchant_reference", "K-1"),
        ("amount", "12500"),
        ("currency", "KWD"),
        ("customer_email", "k@example.com"),
        ("payment_option", "KNET"),
    ]);
    let outcome = client
        .send_params::<MaintenanceResponse>(Command::Purchase, &payment, Language::En)
        .await
        .expect("sent");
    assert_eq!(
        outcome.class,
        OutcomeClass::Succeeded,
        "{}",
        outcome.summary()
    );
    let response = outcome.trusted_response().expect("trusted");
    assert!(response.non_empty("knet_ref_number").is_some());
    assert!(
        response
            .non_empty("third_party_transaction_number")
            .is_some()
    );
    let capture = Capture::parse(&form("K-1", "1", "KWD")).expect("valid");
    let outcome = client.send(&capture, Language::En).await.expect("sent");
    assert_eq!(outcome.response_code(), Some("00049"));
}

#[tokio::test]
async fn recorded_exchanges_never_hold_the_access_code() {
    let sim = start_sim().await;
    let client = client(&sim);
    let access_code = sim.credentials().access_code.expose().to_owned();
    let outcome = client
        .send(
            &CheckStatus::for_reference("R-1").expect("valid"),
            Language::En,
        )
        .await
        .expect("sent");
    let recorded = format!(
        "{} {} {}",
        outcome.request.to_json(),
        outcome
            .response
            .as_ref()
            .map(apsdesk::aps::Params::to_json)
            .unwrap_or_default(),
        outcome.raw_body.clone().unwrap_or_default()
    );
    assert!(recorded.contains("merchant_identifier"));
    assert!(!recorded.contains(&access_code), "{recorded}");
}
