//! The published signature vectors of the reference (§3), as data.

use apsdesk::aps::params::{Params, Value};
use apsdesk::aps::signature::{self, ShaType};

const P1: &[(&str, &str)] = &[
    ("access_code", "SILgpo7pWbmzuURp2qri"),
    ("amount", "1000"),
    ("command", "PURCHASE"),
    ("currency", "USD"),
    ("customer_email", "test@gmail.com"),
    ("language", "en"),
    ("merchant_identifier", "MxvOupuG"),
    ("merchant_reference", "Test010"),
];

fn params(pairs: &[(&str, &str)]) -> Params {
    pairs.iter().copied().collect()
}

#[test]
fn published_vectors() {
    let p2 = [
        ("service_command", "TOKENIZATION"),
        ("language", "en"),
        ("merchant_identifier", "MxvOupuG"),
        ("access_code", "SILgpo7pWbmzuURp2qri"),
        ("merchant_reference", "MyReference0001"),
        ("card_number", "4005550000000001"),
        ("expiry_date", "2105"),
        ("card_security_code", "123"),
        ("card_holder_name", "John Smith"),
        ("remember_me", "YES"),
    ];
    let cases: &[(&str, ShaType, &str, Params, &str)] = &[
        (
            "P1",
            ShaType::Sha256,
            "PASS",
            params(P1),
            "94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882",
        ),
        (
            "P1 SHA-512",
            ShaType::Sha512,
            "PASS",
            params(P1),
            "01575815bbdb23a862855bf2087012e243215e6464b6239a422d9a85936adca90bf6c3227c180890ad13b00ddf3a248608053d7174cbe622f24bdf2d5f345638",
        ),
        (
            "P1 HMAC-256",
            ShaType::Hmac256,
            "PASS",
            params(P1),
            "b592468a25c7292cdadb2e58c3c184e5b868eda03d8c2920f66fe16a587681f3",
        ),
        (
            "P1 HMAC-512",
            ShaType::Hmac512,
            "PASS",
            params(P1),
            "4c3addc9583cdadb5861d22926c2e6735aa32e18a747981fdafe454b050c38651bf96ab468ce24619468d87b8dad45820803b95595c3dca5710604ce363e75a2",
        ),
        (
            "P2",
            ShaType::Sha256,
            "PASS",
            params(&p2),
            "7ee560ccd621da61bfc772f2f1b5849babda768f5ee36d4de67efa88403e4b99",
        ),
        (
            "P3",
            ShaType::Sha256,
            "sha-request-phrase",
            params(&[
                ("query_command", "CHECK_STATUS"),
                ("language", "en"),
                ("merchant_reference", "122333"),
            ]),
            "9eb08299a5f9cda485e4967a25d4c8ff7ecfc98ae8f6d23fcb12457ea709fb26",
        ),
        (
            "P4",
            ShaType::Sha256,
            "PASS",
            params(&[
                ("access_code", "TestAccessCode"),
                ("language", "testlanguage"),
                ("merchant_identifier", "TestMerchantIdentifier"),
            ]),
            "6e35631fc0a493adfa062eb173cf6e37751f6e12dfd3eea9b9eec656559920d2",
        ),
        (
            "P5",
            ShaType::Sha256,
            "PASS",
            params(&[
                ("access_code", "TestAccessCode"),
                ("merchant_identifier", "TestMerchantIdentifier"),
            ]),
            "68c3928525ec3914129b71d167061b6044d05727367ad7a88f3ac8ad173feea9",
        ),
        (
            "P6",
            ShaType::Sha256,
            "PASS",
            params(&[
                ("access_code", "TestAccessCode"),
                ("amount", "243"),
                ("command", "CAPTURE"),
                ("currency", "USD"),
                ("language", "en"),
                ("merchant_identifier", "TestMerchantIdentifier"),
                ("merchant_reference", "merchant_reference"),
            ]),
            "d36985eaa48b46ab36f10d9c42ed9c977b7eeaf46628789d2804129e327f8569",
        ),
        (
            "P7",
            ShaType::Sha256,
            "PASS",
            params(&[
                ("access_code", "TestAccessCode"),
                ("command", "VOID_AUTHORIZATION"),
                ("language", "en"),
                ("merchant_identifier", "TestMerchantIdentifier"),
                ("merchant_reference", "merchant_reference"),
            ]),
            "ee073e1a786869b88e7668864157f4694451b039d7bdc47704a28c9c16ab14e5",
        ),
    ];
    for (name, sha_type, phrase, params, expected) in cases {
        assert_eq!(
            &signature::sign(params, *sha_type, phrase),
            expected,
            "{name}"
        );
    }
}

#[test]
fn transmitted_order_does_not_change_the_signature() {
    let mut reversed: Vec<(&str, &str)> = P1.to_vec();
    reversed.reverse();
    assert_eq!(
        signature::sign(&params(&reversed), ShaType::Sha256, "PASS"),
        "94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882"
    );
}

#[test]
fn legacy_sha128_is_sha1_of_the_same_string() {
    // SHA-1 of "PASS" + canonical P1 + "PASS", computed independently with sha1sum.
    let string = signature::string_to_sign(&params(P1), "PASS");
    assert!(string.starts_with("PASSaccess_code=SILgpo7pWbmzuURp2qriamount=1000"));
    assert_eq!(
        signature::sign(&params(P1), ShaType::LegacySha128, "PASS"),
        "fd3df414c5e364d4cd087926389844acad736de6"
    );
}

#[test]
fn nested_objects_are_signed_in_transmitted_order_with_empty_members() {
    let json = r#"{"command":"PURCHASE","apple_data":{"version":"EC_v1","data":"abc","header":{"transactionId":"1","ephemeralPublicKey":""}},"list":["b","a"]}"#;
    let params = Params::from_json(json).expect("valid");
    assert_eq!(
        signature::string_to_sign(&params, "P"),
        "Papple_data={version=EC_v1, data=abc, header={transactionId=1, ephemeralPublicKey=}}command=PURCHASElist=[b, a]P"
    );
    let mut built = Params::new();
    built.push_value(
        "objs",
        Value::List(vec![
            Value::Object(vec![
                ("k".into(), Value::Text("v".into())),
                ("a".into(), Value::Text("w".into())),
            ]),
            Value::Object(vec![("k".into(), Value::Text("2".into()))]),
        ]),
    );
    assert_eq!(
        signature::canonical_parameters(&built),
        "objs=[{k=v, a=w}, {k=2}]"
    );
}

#[test]
fn installment_detail_is_not_signed_in_a_plans_response() {
    let with_detail = Params::from_json(
        r#"{"query_command":"GET_INSTALLMENTS_PLANS","response_code":"62000","installment_detail":{"issuer_detail":[{"issuer_code":"X"}]}}"#,
    )
    .expect("valid");
    let without: Params = [
        ("query_command", "GET_INSTALLMENTS_PLANS"),
        ("response_code", "62000"),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        signature::sign(&with_detail, ShaType::Sha256, "P"),
        signature::sign(&without, ShaType::Sha256, "P")
    );
}

#[test]
fn responses_are_checked_on_raw_text() {
    // A value beginning with a tab, a number with trailing zeros, an unknown key:
    // all signed as received.
    let unsigned = r#"{"response_message":"\tSuccess","amount":1000.50,"brand_new_field":"x"}"#;
    let params = Params::from_json(unsigned).expect("valid");
    let signature = signature::sign(&params, ShaType::Sha256, "OUT");
    let string = signature::string_to_sign(&params, "OUT");
    assert_eq!(
        string,
        "OUTamount=1000.50brand_new_field=xresponse_message=\tSuccessOUT"
    );
    let signed = format!(
        r#"{{"response_message":"\tSuccess","amount":1000.50,"brand_new_field":"x","signature":"{signature}"}}"#
    );
    let received = Params::from_json(&signed).expect("valid");
    assert!(signature::check(&received, ShaType::Sha256, "OUT").is_valid());
    // Trimming the tab would break it.
    let trimmed = signed.replace("\\tSuccess", "Success");
    let received = Params::from_json(&trimmed).expect("valid");
    assert!(!signature::check(&received, ShaType::Sha256, "OUT").is_valid());
}

#[test]
fn form_notifications_are_checked_on_decoded_values_with_entities_kept() {
    let mut params: Params = [
        ("customer_name", "O&#39;Brien"),
        ("amount", "100"),
        ("status", "14"),
    ]
    .into_iter()
    .collect();
    let signature = signature::sign(&params, ShaType::Sha512, "OUT");
    params.push("signature", signature.clone());
    let body =
        format!("customer_name=O%26%2339%3BBrien&amount=100&status=14&signature={signature}");
    let received = Params::from_form(&body);
    assert_eq!(received, params);
    assert!(signature::check(&received, ShaType::Sha512, "OUT").is_valid());
}

/// The go-live checklist: "exclude the empty parameters (without values)
/// from the signature calculations". P1 with an empty parameter added signs
/// as the published P1; a nested empty member is still signed as `k=`.
#[test]
fn empty_top_level_parameters_are_left_out() {
    let mut with_empty = params(P1);
    with_empty.push("order_description", "");
    with_empty.push("customer_name", "");
    assert_eq!(
        signature::sign(&with_empty, ShaType::Sha256, "PASS"),
        "94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882"
    );
    assert!(!signature::canonical_parameters(&with_empty).contains("order_description"));
    let nested = Params::from_json(r#"{"apple_header":{"transactionId":"","k":"v"},"blank":""}"#)
        .expect("valid");
    assert_eq!(
        signature::canonical_parameters(&nested),
        "apple_header={transactionId=, k=v}"
    );
}

/// The go-live checklist: signatures are computed "without trimming any
/// trailing spaces": a value's spaces and tabs are part of what is hashed.
#[test]
fn values_are_never_trimmed() {
    let params: Params = [("a", " 1\t"), ("b", "x  ")].into_iter().collect();
    assert_eq!(signature::canonical_parameters(&params), "a= 1\tb=x  ");
}
