//! "Test connection" against the simulator: each wrong setting is named.

mod common;

use apsdesk::aps::{Language, Secret, ShaType};
use apsdesk::profiles::connection::{Verdict, test_connection};
use common::{client_with, start_sim};

#[tokio::test]
async fn each_wrong_setting_is_named() {
    let sim = start_sim().await;
    let good = sim.credentials();
    assert_eq!(
        test_connection(&client_with(&sim, good.clone())).await,
        Verdict::Works
    );

    let mut wrong = good.clone();
    wrong.request_phrase = Secret::new("not-the-request-phrase");
    assert_eq!(
        test_connection(&client_with(&sim, wrong)).await,
        Verdict::RequestPhraseOrShaType
    );

    let mut wrong = good.clone();
    wrong.sha_type = ShaType::Hmac512;
    assert_eq!(
        test_connection(&client_with(&sim, wrong)).await,
        Verdict::RequestPhraseOrShaType
    );

    let mut wrong = good.clone();
    wrong.response_phrase = Secret::new("not-the-response-phrase");
    let verdict = test_connection(&client_with(&sim, wrong)).await;
    assert_eq!(verdict, Verdict::ResponsePhrase);
    assert!(verdict.explain(Language::En).contains("response phrase"));
    assert!(verdict.explain(Language::Ar).contains("عبارة الرد"));

    let mut wrong = good.clone();
    wrong.access_code = Secret::new("WrongAccessCode");
    assert_eq!(
        test_connection(&client_with(&sim, wrong)).await,
        Verdict::AccessCode
    );

    let mut wrong = good;
    wrong.merchant_identifier = "someoneelse".into();
    assert_eq!(
        test_connection(&client_with(&sim, wrong)).await,
        Verdict::MerchantIdentifier
    );
}
