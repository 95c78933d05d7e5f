//! The deterministic inputs of the robustness test: wrong types, extreme numbers, huge and
//! unicode-edge strings, broken JSON and CSV, bad query strings and path ids.

use serde_json::{json, Value};

/// Values put in place of each field of an otherwise valid body.
pub fn values() -> Vec<Value> {
    let mut v = vec![
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(-0.0),
        json!(1e308),
        json!(-1e308),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(9_223_372_036_854_775_808u64),
        json!(u64::MAX),
        json!([]),
        json!([1, "two", null]),
        json!({}),
        json!({"nested": {"deeper": [1, 2, 3]}}),
    ];
    v.extend(strings().into_iter().map(Value::String));
    v
}

/// Strings that are valid JSON but edge cases for validation, storage and search.
pub fn strings() -> Vec<String> {
    vec![
        String::new(),
        " \t\r\n ".into(),
        "x".repeat(100_000),
        "я".repeat(5_000),
        "\u{202e}gnirts desrever\u{202c}".into(),
        "\u{200b}\u{200c}\u{200d}\u{2060}\u{feff}".into(),
        "👩‍👩‍👧‍👦🚀🏳️‍🌈".into(),
        "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}".into(),
        "Z\u{35f}\u{36d}\u{34f}a\u{35c}l\u{327}g\u{335}o".into(),
        "a\u{0}b".into(),
        "\u{0}".into(),
        "\u{1b}[31mred\u{1b}[0m\u{7}".into(),
        "'; DROP TABLE contacts; --".into(),
        "\" OR 1=1 --".into(),
        "%_\\%".into(),
        "\"*\" NEAR(a b) OR -c".into(),
        "<script>alert(1)</script>".into(),
        "=HYPERLINK(\"http://x\")".into(),
        "2026-02-30".into(),
        "-9223372036854775809".into(),
        "1e999".into(),
        "NaN".into(),
        "@@@@".into(),
        "USD\u{0}".into(),
    ]
}

/// Bodies that are not a JSON object of the right shape, with their content type.
pub fn raw_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let json = "application/json";
    let mut bodies: Vec<(&'static str, Vec<u8>)> = [
        "",
        "null",
        "[]",
        "{",
        "}",
        "\"just a string\"",
        "123",
        "{\"a\":",
        "{\"a\" 1}",
        "{,}",
        "{\"title\": \"\\ud800\"}",
        "{\"body\": \"\\u0000\"}",
        "{\"x\": 1e99999}",
        "\u{feff}{}",
        "{\"displayName\": \"dup\", \"displayName\": 5}",
        "[{\"name\": \"x\"}]",
        "NaN",
        "{\"name\": undefined}",
    ]
    .into_iter()
    .map(|b| (json, b.as_bytes().to_vec()))
    .collect();
    bodies.push((json, vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}']));
    bodies.push((json, b"{\"name\": \"a\x00b\"}".to_vec()));
    bodies.push((
        json,
        format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
    ));
    bodies.push((json, "{\"a\":".repeat(50_000).into_bytes()));
    bodies.push((
        json,
        format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)).into_bytes(),
    ));
    bodies.push(("text/plain", b"{\"name\": \"plain\"}".to_vec()));
    bodies.push(("application/x-www-form-urlencoded", b"name=form".to_vec()));
    bodies
}

/// CSV texts for the import routes.
pub fn csv_files() -> Vec<String> {
    vec![
        "\"unbalanced,quote\nAda,ada@example.com\n".into(),
        "Name,Email\r\"Ada\",ada@example.com\rBob\r".into(),
        format!(
            "{}\n{}\n",
            (0..5000)
                .map(|i| format!("c{i}"))
                .collect::<Vec<_>>()
                .join(","),
            "v,".repeat(5000)
        ),
        "Name\u{0},Email\nA\u{0}da,a\u{0}@example.com\n".into(),
        "\u{feff}".into(),
        "\n\n\n".into(),
        ",,,\n,,,\n".into(),
        "Email\n@@@\n\"\"\"\"\n".into(),
        "Name;Email,Phone\tTelegram\nx;y,z\tw\n".into(),
        format!("Name\n{}\n", "y".repeat(200_000)),
        "Name,Telegram user id\nBig,99999999999999999999999\nNeg,-5\n".into(),
        "Имя,Почта\n\u{202e}Ада,ада@пример.рф\n".into(),
        "Name,Company\nAda,\"=cmd|' /C calc'!A0\"\n".into(),
    ]
}

/// Query strings for the list and export routes.
pub fn queries() -> Vec<String> {
    let mut q: Vec<String> = [
        "page=0",
        "page=-1",
        "page=9223372036854775807",
        "page=99999999999999999999",
        "page=1.5",
        "limit=0",
        "limit=-5",
        "limit=201",
        "limit=abc",
        "limit=9223372036854775807",
        "search=%00",
        "search=a%00b",
        "search=%FF%FE",
        "search=%22",
        "search=%22%22%22",
        "search=*",
        "search=NEAR(a%20b)",
        "search=%E2%80%AE%E2%80%8B",
        "search=%25%5F%5C",
        "search=%27%3B--",
        "sort=-",
        "sort=--name",
        "sort=;DROP%20TABLE%20contacts",
        "sort=name%00",
        "companyId=abc",
        "companyId=-1",
        "companyId=99999999999999999999",
        "ownerId=1.5",
        "stageId=%00",
        "pipelineId=",
        "contactId=null",
        "search=%ZZ",
        "page=1&page=2",
        "%00=%00",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    q.push(format!("search={}", "ab".repeat(20_000)));
    q
}

/// Path segments in place of a record id.
pub fn ids() -> Vec<&'static str> {
    vec![
        "abc",
        "-1",
        "0",
        "9223372036854775807",
        "9223372036854775808",
        "1.5",
        "%00",
        "%FF",
        "%F0%9F%98%80",
        "1%20OR%201=1",
        "1e3",
        "export.csv.bak",
    ]
}
