//! Credentials from the environment and from the profile file, end to end against the emulator.
//! Its own test binary (its own process), because it changes process-wide environment variables.

use ccc_aicall::credential::CredentialSource;
use ccc_aicall::{Client, ClientConfig, CreateAiCallRequest};
use ccc_aicall_emulator::{Emulator, EmulatorConfig, TEST_SECRET_ID, TEST_SECRET_KEY};

fn request() -> CreateAiCallRequest {
    CreateAiCallRequest {
        sdk_app_id: 1400000000,
        callee: "008613012345678".into(),
        llm_type: "dify".into(),
        api_key: "app-x".into(),
        api_url: "https://api.dify.ai/v1".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn profile_file_then_environment_with_stray_spaces_and_quotes() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let home = std::env::temp_dir().join(format!("ccc-home-{}", std::process::id()));
    std::fs::create_dir_all(home.join(".tencentcloud")).unwrap();
    std::fs::write(
        home.join(".tencentcloud/credentials"),
        format!("[default]\nsecret_id = \"{TEST_SECRET_ID}\"  \nsecret_key =  '{TEST_SECRET_KEY}'\n"),
    )
    .unwrap();
    // SAFETY of set_var: this binary has a single test, so no other thread reads the environment meanwhile.
    for var in
        ["TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN", "TENCENTCLOUD_REGION"]
    {
        std::env::remove_var(var);
    }
    std::env::set_var("HOME", &home);
    std::env::set_var("CCC_AICALL_ENDPOINT", emu.endpoint());

    let client = Client::new(ClientConfig::default()).unwrap();
    assert_eq!(
        client.config().credentials.source,
        CredentialSource::ProfileFile(home.join(".tencentcloud/credentials"))
    );
    assert_eq!(client.config().url.as_str(), format!("{}/", emu.endpoint()));
    client.create_ai_call(&request()).await.unwrap();

    std::env::set_var("TENCENTCLOUD_SECRET_ID", format!(" {TEST_SECRET_ID} "));
    std::env::set_var("TENCENTCLOUD_SECRET_KEY", format!("\"{TEST_SECRET_KEY}\"\n"));
    std::env::set_var("TENCENTCLOUD_REGION", "ap-singapore");
    let client = Client::new(ClientConfig::default()).unwrap();
    assert_eq!(client.config().credentials.source, CredentialSource::Environment);
    assert_eq!(client.config().region.as_deref(), Some("ap-singapore"));
    client.create_ai_call(&request()).await.unwrap();
    assert_eq!(emu.calls().len(), 2);

    std::env::remove_var("TENCENTCLOUD_SECRET_ID");
    std::env::remove_var("TENCENTCLOUD_SECRET_KEY");
    std::fs::remove_dir_all(&home).unwrap();
    let err = Client::new(ClientConfig::default()).unwrap_err();
    assert!(err.to_string().contains("TENCENTCLOUD_SECRET_ID"), "{err}");
}
