//! The request model as a whole: name tables, wire order, and the declarations themselves.

use super::*;
use crate::loose::Names;
use crate::schema::{FieldSpec, Presence, Type};
use crate::tts::{AzureTts, CustomHttpTts, MinimaxTts, TencentTts, VolcengineTts};

/// Every record's name table, with its record's description.
fn records() -> Vec<(&'static Names, &'static RecordSpec)> {
    fn of<R: Record>() -> (&'static Names, &'static RecordSpec) {
        (R::names(), R::SPEC)
    }
    vec![
        of::<CreateAiCallRequest>(),
        of::<AiTransferItem>(),
        of::<TransferToAgentItem>(),
        of::<Variable>(),
        of::<ExtractConfigElement>(),
        of::<ToneWord>(),
        of::<ZhToneWords>(),
        of::<TencentTts>(),
        of::<MinimaxTts>(),
        of::<VolcengineTts>(),
        of::<AzureTts>(),
        of::<CustomHttpTts>(),
    ]
}

/// The search the tables replace: the first name, in order, that `key` spells under `spelling`.
fn search(names: &[&'static str], key: &str, spelling: Spelling) -> Option<&'static str> {
    names.iter().copied().find(|wire| {
        key == *wire
            || match spelling {
                Spelling::Caller(KeyCase::Wire) => false,
                Spelling::Caller(case) => case.is_key_of(key, wire),
                Spelling::Any => KeyCase::Snake.is_key_of(key, wire) || KeyCase::Camel.is_key_of(key, wire),
            }
    })
}

#[test]
fn tables_resolve_as_a_search_in_order_would() {
    let sets = records();
    let mut keys: Vec<String> =
        ["", "x", "llm_typ", "llmtype", "LLMtype", "sdk_app_id_", "sdkAppID", "extraparams"].map(String::from).to_vec();
    for (names, _) in &sets {
        for wire in names.names {
            for case in [KeyCase::Wire, KeyCase::Snake, KeyCase::Camel] {
                keys.push(case.key(wire));
                keys.push(case.key(wire).to_ascii_uppercase());
            }
        }
    }
    for (names, _) in &sets {
        for spelling in [
            Spelling::Caller(KeyCase::Wire),
            Spelling::Caller(KeyCase::Snake),
            Spelling::Caller(KeyCase::Camel),
            Spelling::Any,
        ] {
            for key in &keys {
                assert_eq!(names.resolve(key, spelling), search(names.names, key, spelling), "{key}");
            }
        }
    }
}

#[test]
fn no_key_is_both_a_wire_name_and_a_cased_one() {
    // `unknown_keyword` relies on it: wire names start upper-case, their snake and camel spellings lower-case.
    for wire in <CreateAiCallRequest as Record>::names().names {
        assert!(wire.starts_with(|c: char| c.is_ascii_uppercase()), "{wire}");
        for case in [KeyCase::Snake, KeyCase::Camel] {
            assert!(case.key(wire).starts_with(|c: char| c.is_ascii_lowercase()), "{wire}");
        }
    }
}

#[test]
fn every_declaration_is_complete() {
    for (_, record) in records() {
        let mut seen = std::collections::HashSet::new();
        for field in record.fields {
            let FieldSpec { wire, name, doc, .. } = field;
            assert!(seen.insert(*wire), "{}.{wire} declared twice", record.name);
            // The Rust name is the snake_case spelling of the wire name: the bindings derive theirs from it.
            assert_eq!(KeyCase::Snake.key(wire), *name, "{}.{wire}", record.name);
            let summary = field.summary();
            assert!(!summary.is_empty() && summary.len() <= 110, "{}.{wire}: {doc:?}", record.name);
            if let Rule::OneOf { values } = field.rule {
                assert!(!values.is_empty(), "{}.{wire}", record.name);
            }
            if field.presence != Presence::Optional {
                assert!(
                    matches!(field.ty, Type::Integer | Type::String),
                    "{}.{wire}: required fields are plain values",
                    record.name
                );
            }
        }
    }
}

/// Every field set, nested objects full, and `extra` keys before, between, after and on top of the fields.
fn everything() -> CreateAiCallRequest {
    let words = |w: &str| Some(vec![w.to_string(), format!("{w} \"2\"")]);
    let mut extra = Map::new();
    for (k, v) in [
        ("AAA", Value::from(1)),
        ("APIKeyX", Value::from("between")),
        ("Callee", Value::from("replaces the field")),
        ("Model", Value::Null),
        ("NewThing", serde_json::json!({"b": [1, {"z": null, "a": "é"}], "a": 1.5})),
        ("Zebra", Value::from(true)),
        ("a_lower", Value::from("after every upper-case key")),
    ] {
        extra.insert(k.to_string(), v);
    }
    CreateAiCallRequest {
        sdk_app_id: 1400000000,
        callee: "+86 130 1234 5678".into(),
        llm_type: "OpenAI".into(),
        api_key: "sk-\u{1}\"key\"".into(),
        api_url: "https://api.openai.com/v1/".into(),
        system_prompt: Some("多行\n提示 \u{2028} </script>".into()),
        model: Some("gpt-4o-mini".into()),
        voice_type: Some("zhimei".into()),
        callers: Some(vec!["0086123".into(), String::new()]),
        welcome_message: Some("你好".into()),
        welcome_type: Some(1),
        welcome_message_priority: Some(2),
        max_duration: Some(60000),
        languages: Some(vec!["zh".into(), "en".into()]),
        interrupt_mode: Some(0),
        interrupt_speech_duration: Some(500),
        end_function_enable: Some(true),
        end_function_desc: Some("end".into()),
        transfer_function_enable: Some(false),
        transfer_items: Some(vec![
            AiTransferItem {
                transfer_function_name: "n".into(),
                transfer_function_desc: "d".into(),
                transfer_skill_group_id: 7,
            },
            AiTransferItem::default(),
        ]),
        transfer_to_agent_enable: Some(true),
        transfer_to_agent_items: Some(vec![TransferToAgentItem {
            transfer_to_agent_name: "a".into(),
            transfer_to_agent_desc: "b".into(),
            transfer_to_agent_id: u64::MAX,
        }]),
        notify_duration: Some(10),
        notify_message: Some("hello?".into()),
        notify_max_count: Some(3),
        custom_tts_config: Some(CustomTtsConfig::Tencent(TencentTts {
            app_id: "1".into(),
            secret_id: "id".into(),
            secret_key: "key".into(),
            voice_type: 101001,
            speed: Some(1.25),
            ..Default::default()
        })),
        prompt_variables: Some(vec![Variable { key: "k".into(), value: String::new() }]),
        vad_silence_time: Some(1000),
        extract_config: Some(vec![
            ExtractConfigElement {
                info_type: "Selector".into(),
                info_name: "n".into(),
                info_content: Some("c".into()),
                examples: Some(vec![]),
                choices: Some(vec!["x".into()]),
            },
            ExtractConfigElement::default(),
        ]),
        temperature: Some(0.7),
        variables: Some(vec![Variable { key: "a".into(), value: "b".into() }]),
        top_p: Some(1e-7),
        vad_level: Some(3),
        tone_word: Some(ToneWord {
            first_sentence_timeout: Some(f64::NAN),
            zh_tone_words: Some(ZhToneWords { neutral: words("嗯"), positive: None, negative: words("唉") }),
        }),
        enable_compliance_audio: Some(false),
        enable_voicemail_detection: Some(true),
        voicemail_action: Some(0),
        llm_extra_body: Some("{\"max_tokens\": 256}".into()),
        max_call_duration_ms: Some(3_600_000),
        max_ring_timeout_second: Some(30),
        ambient_sound_type: Some("coffee_shops".into()),
        ambient_sound_volume: Some(f64::INFINITY),
        acquire_timeout_second: Some(5),
        custom_stt_config: Some("{}".into()),
        extra,
    }
}

/// Keys in byte order at every level and compact: exactly what a `serde_json::Map` (sorted) prints of it.
fn assert_sorted_and_compact(body: &str) {
    let reprinted = serde_json::from_str::<Value>(body).expect("the body is JSON").to_string();
    assert_eq!(body, reprinted);
}

#[test]
fn the_body_is_in_wire_order_at_every_level() {
    let full = serde_json::to_string(&everything()).expect("serialisable");
    assert_sorted_and_compact(&full);
    // Every field is on the wire, `extra` keys merged, as a map built from both: `Callee` replaced, `Model`
    // removed by its `null` (validation refuses modelled names in `extra`; this is the unvalidated form).
    let map: Map<String, Value> = serde_json::from_str(&full).expect("object");
    assert_eq!(map["Callee"], "replaces the field");
    assert!(!map.contains_key("Model"));
    assert!(map.contains_key("AAA") && map.contains_key("a_lower") && map.contains_key("NewThing"));
    // A non-finite number at the top is left out; inside a nested object it is `null`, as a map prints it.
    assert!(!map.contains_key("AmbientSoundVolume"));
    assert_eq!(map["ToneWord"]["FirstSentenceTimeout"], Value::Null);
    assert_sorted_and_compact(&serde_json::to_string(&CreateAiCallRequest::default()).expect("serialisable"));
    assert_eq!(serde_json::to_string(&CreateAiCallRequest::default()).unwrap(), "{}");
}

#[test]
fn the_tts_config_keeps_its_documented_order() {
    let Some(config) = everything().custom_tts_config else { unreachable!() };
    assert_eq!(
        config.to_json_string(),
        r#"{"TTSType":"tencent","AppId":"1","SecretId":"id","SecretKey":"key","VoiceType":101001,"Speed":1.25}"#
    );
}

#[test]
fn debug_shows_no_secret() {
    let mut request = everything();
    request.api_url = "https://r.openai.azure.com/openai?api-version=2024-06-01&api-key=LEAK1".into();
    request.llm_extra_body = Some(r#"{"max_tokens":256,"api_key":"LEAK2"}"#.into());
    request.custom_stt_config = Some(r#"{"key":"LEAK3"}"#.into());
    request.api_key = "LEAK4".into();
    request.extra.insert("Secretish".into(), Value::from("LEAK5"));
    let shown = format!("{request:?}");
    for leak in ["LEAK1", "LEAK2", "LEAK3", "LEAK4", "LEAK5", "SecretKey\": \"key", "secret_key: \"key\""] {
        assert!(!shown.contains(leak), "{leak} in {shown}");
    }
    assert!(shown.contains("api-version=2024-06-01") && shown.contains("max_tokens"), "{shown}");
}
