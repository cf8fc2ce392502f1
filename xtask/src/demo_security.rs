//! The demo's security part: tenants and specialties, a capability denied at load and at call,
//! patients only of the calling clinic with consent, and the audit trail verified.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use anyhow::{Context, Result};
use medplug_host::audit::SqliteAuditTrail;
use medplug_host::policy::{PluginPolicy, StoreLocation};
use medplug_host::{CallContext, Host, Policy};
use medplug_pdk::Capability;
use medplug_pdk::lesion::{self, ScoreInput};
use serde_json::{Value, json};

/// The demo policy's dermatology clinic (its default tenant).
pub const DERMATOLOGY: &str = "clinica-horizonte";
/// The demo policy's cardiology clinic.
pub const CARDIOLOGY: &str = "cardio-sul";
/// Who the demo says it is, in the audit trail.
pub const ACTOR: &str = "demo";
/// The test plugin that calls the host functions (`tests/guests/host-caller`).
const HOST_CALLER: &str = "host-caller";

/// The demo's policy: `medplug.toml`, with its databases in `dir` (fresh for each demo).
pub fn policy(root: &Path, dir: &Path) -> Policy {
    let mut policy = medplug_cli::default_policy::default_policy(root);
    policy.audit = Some(StoreLocation::Sqlite(dir.join("audit.db")));
    policy.patients = Some(StoreLocation::Sqlite(dir.join("patients.db")));
    policy
}

/// The demo policy, plus the `host-caller` test plugin granted `capabilities` and enabled for
/// the dermatology clinic.
fn policy_with_host_caller(root: &Path, dir: &Path, capabilities: &[Capability]) -> Result<Policy> {
    let mut policy = policy(root, dir);
    let plugin = PluginPolicy {
        sha256: Vec::new(),
        grants: capabilities.iter().copied().collect(),
        limits: policy.default_limits,
        pool: policy.default_pool,
        quota: policy.default_quota.clone(),
    };
    policy.plugins.insert(HOST_CALLER.to_owned(), plugin);
    policy
        .tenants
        .get_mut(DERMATOLOGY)
        .context("medplug.toml has the dermatology clinic")?
        .plugins
        .insert(HOST_CALLER.to_owned());
    Ok(policy)
}

/// The security report; `host` runs the demo policy over the reference plugins.
pub fn security_report(host: &Host, root: &Path, dir: &Path) -> Result<String> {
    let mut out = String::new();
    writeln!(
        out,
        "── Security · tenants, capabilities, patients, audit trail (policy medplug.toml) ──"
    )?;
    for tenant in host.policy().tenants.values() {
        let list = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
        writeln!(
            out,
            "  tenant {:<18} specialties: {:<33} plugins: {}",
            tenant.id,
            list(&tenant.specialties),
            list(&tenant.plugins)
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "  Cross-tenant calls are refused before any plugin code runs:"
    )?;
    let cardio = CallContext::new(CARDIOLOGY, ACTOR);
    let visit: ScoreInput = lesion_risk::examples::visit();
    let denied = host
        .call_as::<_, Value>(&cardio, lesion::PLUGIN_NAME, lesion::SCORE, &visit)
        .err()
        .context("cardio-sul may not call lesion-risk")?;
    writeln!(out, "  ✗ {denied}")?;
    let derm = CallContext::new(DERMATOLOGY, ACTOR);
    let denied = host
        .call_json_as(&derm, "ecg-analyzer", "analyze", b"{}")
        .err()
        .context("clinica-horizonte may not call ecg-analyzer")?;
    writeln!(out, "  ✗ {denied}")?;
    writeln!(out)?;

    let caller = root.join("target/test-plugins/host-caller.wasm");
    writeln!(
        out,
        "  A plugin that imports get_patient (test plugin {HOST_CALLER}), granted audit_log and encrypt_phi only:"
    )?;
    let mut without_patients =
        policy_with_host_caller(root, dir, &[Capability::AuditLog, Capability::EncryptPhi])?;
    without_patients.phi_key = None;
    let refused = Host::builder()
        .policy(without_patients)
        .plugin_file(&caller)
        .build()
        .err()
        .context("an ungranted import must be refused")?;
    writeln!(out, "  ✗ {refused}")?;
    writeln!(out)?;
    let granted = [
        Capability::AuditLog,
        Capability::ReadPatient,
        Capability::EncryptPhi,
    ];
    let mut with_grants = policy_with_host_caller(root, dir, &granted)?;
    // The demo's PHI key lives only in this process (a real host reads it from a file or an
    // environment variable named in the policy).
    with_grants.phi_key = None;
    let keyring =
        medplug_host::phi::PhiKeyring::new(medplug_host::phi::PhiKey::generate("demo-key")?);
    let caller_host = Host::builder()
        .policy(with_grants)
        .phi_keyring(keyring)
        .plugin_file(&caller)
        .build()?;
    writeln!(
        out,
        "  Granted read_patient, it asks the host for patients as {DERMATOLOGY} (dermatology):"
    )?;
    for (id, why) in [
        ("HZ-0001", "this clinic's patient, consent for dermatology"),
        ("HZ-0003", "this clinic's patient, no consent on record"),
        ("CS-0001", "a patient of cardio-sul"),
    ] {
        let reply: Value =
            caller_host.call_as(&derm, HOST_CALLER, "patient", &json!({ "patient_id": id }))?;
        let shown = match (&reply["ok"], &reply["error"]) {
            (Value::Object(p), _) => format!("✓ {}", p["name"].as_str().unwrap_or("?")),
            (_, Value::Object(e)) => format!(
                "✗ {}: {}",
                e["code"].as_str().unwrap_or("?"),
                e["message"].as_str().unwrap_or("?")
            ),
            _ => format!("? {reply}"),
        };
        writeln!(out, "    {id} ({why})")?;
        writeln!(out, "      {shown}")?;
    }
    let sealed: Value = caller_host.call_as(
        &derm,
        HOST_CALLER,
        "encrypt",
        &json!({ "plaintext": "Ana Beatriz Fictícia: carcinoma basocelular" }),
    )?;
    writeln!(
        out,
        "    encrypt_phi → {} under key {}, nonce {}, {} bytes of ciphertext+tag (base64)",
        sealed["ok"]["algorithm"].as_str().unwrap_or("?"),
        sealed["ok"]["key_id"].as_str().unwrap_or("?"),
        sealed["ok"]["nonce"].as_str().unwrap_or("?"),
        sealed["ok"]["ciphertext"].as_str().map_or(0, str::len)
    )?;
    drop(caller_host);
    writeln!(out)?;

    let db = dir.join("audit.db");
    let trail = SqliteAuditTrail::open(&db)?;
    let records = trail.records()?;
    writeln!(
        out,
        "  Audit trail {} — every call of this demo, one record each, never the input:",
        db.strip_prefix(root).unwrap_or(&db).display()
    )?;
    writeln!(
        out,
        "    {:>3}  {:<18} {:<17} {:<10} {:<14} {:<22} {:>9} {:>13}  host calls",
        "#", "tenant", "plugin", "function", "outcome", "error kind", "µs", "fuel"
    )?;
    for chained in &records {
        let r = &chained.record;
        let host_calls: Vec<String> = r
            .host_calls
            .iter()
            .map(|c| format!("{}:{}", c.function, c.outcome))
            .collect();
        writeln!(
            out,
            "    {:>3}  {:<18} {:<17} {:<10} {:<14} {:<22} {:>9} {:>13}  {}",
            chained.sequence,
            r.tenant,
            r.plugin,
            r.function,
            r.outcome.as_str(),
            r.error_kind.as_deref().unwrap_or("-"),
            r.duration_us,
            r.fuel_used.map_or("-".to_owned(), |f| f.to_string()),
            host_calls.join(" ")
        )?;
    }
    let report = trail.verify()?;
    match report.first_break {
        None => writeln!(
            out,
            "  ✓ medplug audit verify: {} records, hash chain intact, head {}…",
            report.records,
            &report.head_hash[..16]
        )?,
        Some(chain_break) => anyhow::bail!("the demo's own audit trail is broken: {chain_break}"),
    }
    Ok(out)
}
