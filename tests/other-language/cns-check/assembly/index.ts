// cns-check: a medplug ABI v1 plugin written in AssemblyScript with Extism's as-pdk, to show that
// the contract is the wasm module's, not the Rust pdk's. It validates a Brazilian Cartão
// Nacional de Saúde (CNS) number and records each check in the call's audit record through the
// `audit_log` host function (capability `audit_log`), never with the number itself.
//
// The ABI it implements (pdk/src/abi.rs, error.rs, capability.rs, host_fns.rs):
// - `describe` answers the PluginInfo JSON below;
// - `validate` reads `{"cns": "<string>"}` and answers
//   `{"valid": bool, "kind": "definitive" | "provisional" | null, "reason": ... | null}`;
// - a failed call returns 1 with `{"code": "invalid_input" | "internal", "message": ...}` set as
//   the Extism error: malformed JSON, a wrong type or an empty input are `invalid_input`, never a
//   trap, and the instance stays usable.

import { Host, Memory } from "@extism/as-pdk";
import { error_set, length } from "@extism/as-pdk/lib/env";

// The host function of capability `audit_log`, in Extism's user namespace: it takes the offset
// of a JSON `AuditEvent` and returns the offset of a JSON `HostReply<AuditAck>`.
@external("extism:host/user", "audit_log")
declare function audit_log(request: u64): u64;

// What `describe` answers. The schema ids are those `FunctionInfo::published` gives a Rust
// plugin: `<plugin>/<function>.input` and `.output`.
const PLUGIN_INFO: string =
  '{"name":"cns-check","version":"0.1.0","abi_version":1,"specialty":"general",' +
  '"description":"validates a Brazilian Cartão Nacional de Saúde (CNS) number by its check digits",' +
  '"functions":[{"name":"validate","input_schema":"cns-check/validate.input",' +
  '"output_schema":"cns-check/validate.output"}],"capabilities":["audit_log"]}';

/** ABI v1 `describe`: no input, no capability. */
export function describe(): i32 {
  output(PLUGIN_INFO);
  return 0;
}

/** `validate`: whether `cns` is a CNS number the Ministério da Saúde's routine accepts. */
export function validate(): i32 {
  const input = new InputParser(Host.input());
  const cns = input.cns();
  if (cns === null) {
    return fail("invalid_input", "input of `validate` " + input.error);
  }
  const verdict = checkCns(cns);
  // Fail closed: a check the audit trail did not record gives no answer.
  if (!auditLog("cns_checked", verdict.auditMessage())) {
    return fail("internal", "the host refused `audit_log`: the check was not recorded");
  }
  output(verdict.toJson());
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The CNS rule.
//
// Source: Ministério da Saúde / DATASUS, "Cartão Nacional de Saúde — algoritmo de validação"
// (its routines for numbers starting with 1 or 2 and for provisional numbers starting with 7, 8
// or 9), as reproduced in ANVISA's RNI rules,
// https://rni-docs.anvisa.gov.br/docs/regras_gerais/validacoes/validacaoCNS/ :
// - a CNS is 15 digits and has no mask: the groups printed on the card (`898 0000 0004 3208`)
//   are typed without the spaces;
// - definitive numbers start with 1 or 2; their first 11 digits determine the other four:
//   sum = Σ dᵢ·(15 − i) over those 11 (weights 15..5), dv = 11 − sum mod 11 (11 is written 0);
//   if dv is 10, the sum gains 2, dv = 11 − sum mod 11 and the number ends in `001` + dv, else
//   in `000` + dv. A number is valid when it equals the one so rebuilt;
// - provisional numbers start with 7, 8 or 9, and are valid when Σ dᵢ·(15 − i) over all 15
//   digits (weights 15..1) is divisible by 11.
// Every rebuilt definitive number also has that 15-digit sum divisible by 11, but not every
// number starting with 1 or 2 that has it is one the routine builds (161803398870016 is not).
// ---------------------------------------------------------------------------------------------

/** What `validate` answers. `kind` is set only for a valid number, `reason` only for another. */
class Verdict {
  constructor(
    public valid: bool,
    public kind: string | null,
    public reason: string | null,
  ) {}

  toJson(): string {
    return (
      '{"valid":' + (this.valid ? "true" : "false") +
      ',"kind":' + nullableString(this.kind) +
      ',"reason":' + nullableString(this.reason) + "}"
    );
  }

  /** For the audit record: the outcome, never a digit of the number. */
  auditMessage(): string {
    const kind = this.kind;
    const reason = this.reason;
    if (kind !== null) return "valid " + kind + " number";
    return "invalid number: " + (reason !== null ? reason : "");
  }
}

function valid(kind: string): Verdict {
  return new Verdict(true, kind, null);
}

function invalid(reason: string): Verdict {
  return new Verdict(false, null, reason);
}

function checkCns(cns: string): Verdict {
  if (cns.length != 15) return invalid("not_15_digits");
  const digits = new StaticArray<i32>(15);
  for (let i = 0; i < 15; i++) {
    const digit = cns.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return invalid("not_15_digits");
    digits[i] = digit;
  }
  const first = digits[0];
  if (first == 1 || first == 2) {
    return isRebuiltDefinitive(digits) ? valid("definitive") : invalid("check_digit");
  }
  if (first >= 7) {
    return weightedSum(digits, 15) % 11 == 0 ? valid("provisional") : invalid("check_digit");
  }
  return invalid("unknown_first_digit");
}

/** Σ dᵢ·(15 − i) over the first `count` digits. */
function weightedSum(digits: StaticArray<i32>, count: i32): i32 {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += digits[i] * (15 - i);
  return sum;
}

/** Whether the number equals the one DATASUS's routine rebuilds from its first 11 digits. */
function isRebuiltDefinitive(digits: StaticArray<i32>): bool {
  let sum = weightedSum(digits, 11);
  let dv = 11 - (sum % 11);
  if (dv == 11) dv = 0;
  let marker = 0;
  if (dv == 10) {
    sum += 2;
    dv = 11 - (sum % 11);
    marker = 1;
  }
  return digits[11] == 0 && digits[12] == 0 && digits[13] == marker && digits[14] == dv;
}

// ---------------------------------------------------------------------------------------------
// The input.
// ---------------------------------------------------------------------------------------------

/**
 * Reads `{"cns": "<string>"}`: strict JSON (RFC 8259, UTF-8) holding exactly that member, as
 * serde with `deny_unknown_fields` reads a Rust plugin's input. Anything else sets `error`
 * (`is not valid json: …` or `has the wrong shape: …`) instead of trapping.
 */
class InputParser {
  error: string = "";
  private text: string = "";
  private pos: i32 = 0;

  constructor(private bytes: Uint8Array) {}

  /** The `cns` string, or `null` with `error` set. */
  cns(): string | null {
    if (this.bytes.length == 0) return this.invalid("the input is empty");
    if (!isUtf8(this.bytes)) return this.invalid("the input is not utf-8");
    this.text = String.UTF8.decode(this.bytes.buffer);
    this.skipWhitespace();
    const first = this.peek();
    if (first != 0x7b) {
      if (first < 0) return this.invalid("the input holds only whitespace");
      if (startsValue(first)) return this.shape('expected an object {"cns": "..."}');
      return this.syntax("expected a value");
    }
    this.pos++;
    this.skipWhitespace();
    let cns: string | null = null;
    if (this.peek() == 0x7d) {
      this.pos++;
    } else {
      while (true) {
        if (this.peek() != 0x22) return this.syntax("expected a string key");
        const key = this.string();
        if (key === null) return null;
        this.skipWhitespace();
        if (this.peek() != 0x3a) return this.syntax("expected `:`");
        this.pos++;
        this.skipWhitespace();
        if (key != "cns") return this.shape("unknown field, expected only `cns`");
        if (cns !== null) return this.shape("duplicate field `cns`");
        if (this.peek() < 0) return this.syntax("unexpected end of input");
        if (this.peek() != 0x22) return this.shape("`cns` must be a string");
        cns = this.string();
        if (cns === null) return null;
        this.skipWhitespace();
        const next = this.peek();
        if (next == 0x2c) {
          this.pos++;
          this.skipWhitespace();
          continue;
        }
        if (next != 0x7d) return this.syntax("expected `,` or `}`");
        this.pos++;
        break;
      }
    }
    this.skipWhitespace();
    if (this.peek() >= 0) return this.syntax("trailing characters");
    if (cns === null) return this.shape("missing field `cns`");
    return cns;
  }

  /** The JSON string at `pos` (its opening quote), unescaped; `null` with `error` set. */
  private string(): string | null {
    const units = new Array<i32>();
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x22) return String.fromCharCodes(units);
      if (c < 0x20) {
        this.pos--;
        return this.syntax("control character in a string");
      }
      if (c != 0x5c) {
        units.push(c);
        continue;
      }
      const escape = this.text.charCodeAt(this.pos);
      this.pos++;
      if (escape != 0x75) {
        const unit = simpleEscape(escape);
        if (unit < 0) {
          this.pos--;
          return this.syntax("invalid escape");
        }
        units.push(unit);
        continue;
      }
      const unit = this.hex4();
      if (unit < 0) return this.syntax("invalid \\u escape");
      if (unit >= 0xdc00 && unit <= 0xdfff) return this.syntax("lone surrogate in \\u escape");
      units.push(unit);
      if (unit < 0xd800 || unit > 0xdbff) continue;
      // A leading surrogate needs its trailing one, as a second \u escape.
      if (this.text.charCodeAt(this.pos) != 0x5c || this.text.charCodeAt(this.pos + 1) != 0x75) {
        return this.syntax("lone surrogate in \\u escape");
      }
      this.pos += 2;
      const trailing = this.hex4();
      if (trailing < 0xdc00 || trailing > 0xdfff) {
        return this.syntax("lone surrogate in \\u escape");
      }
      units.push(trailing);
    }
    return this.syntax("unterminated string");
  }

  /** Four hex digits at `pos`, consumed; -1 when they are not. */
  private hex4(): i32 {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.text.charCodeAt(this.pos + i);
      let digit = -1;
      if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) digit = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) digit = c - 0x41 + 10;
      if (digit < 0) return -1;
      value = (value << 4) | digit;
    }
    this.pos += 4;
    return value;
  }

  /** The code unit at `pos`, or -1 at the end. */
  private peek(): i32 {
    return this.text.charCodeAt(this.pos);
  }

  private skipWhitespace(): void {
    while (true) {
      const c = this.peek();
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
      this.pos++;
    }
  }

  private syntax(what: string): string | null {
    return this.invalid(what + " at character " + (this.pos + 1).toString());
  }

  private invalid(what: string): string | null {
    this.error = "is not valid json: " + what;
    return null;
  }

  private shape(what: string): string | null {
    this.error = "has the wrong shape: " + what;
    return null;
  }
}

/** Whether `c` starts a JSON value other than an object. */
function startsValue(c: i32): bool {
  return c == 0x5b || c == 0x22 || c == 0x2d || (c >= 0x30 && c <= 0x39) ||
    c == 0x74 || c == 0x66 || c == 0x6e;
}

/** The code unit of a one-character escape (`\n`, `\"`, …), or -1. */
function simpleEscape(c: i32): i32 {
  switch (c) {
    case 0x22: return 0x22;
    case 0x5c: return 0x5c;
    case 0x2f: return 0x2f;
    case 0x62: return 0x08;
    case 0x66: return 0x0c;
    case 0x6e: return 0x0a;
    case 0x72: return 0x0d;
    case 0x74: return 0x09;
    default: return -1;
  }
}

/** Whether `bytes` are well-formed UTF-8 (no overlong forms, no surrogates, up to U+10FFFF). */
function isUtf8(bytes: Uint8Array): bool {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const lead = <u32>bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    let more = 0;
    let point: u32 = 0;
    let least: u32 = 0;
    if ((lead & 0xe0) == 0xc0) {
      more = 1; point = lead & 0x1f; least = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
      more = 2; point = lead & 0x0f; least = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
      more = 3; point = lead & 0x07; least = 0x10000;
    } else {
      return false;
    }
    if (i + more >= n) return false;
    for (let k = 1; k <= more; k++) {
      const next = <u32>bytes[i + k];
      if ((next & 0xc0) != 0x80) return false;
      point = (point << 6) | (next & 0x3f);
    }
    if (point < least || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return false;
    i += more + 1;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// The ABI's plumbing: output, errors, the audit host function.
// ---------------------------------------------------------------------------------------------

/** Sets the call's output. (as-pdk's `Host.outputString` takes the UTF-16 length for bytes.) */
function output(json: string): void {
  Host.output(Uint8Array.wrap(String.UTF8.encode(json)));
}

/** Fails the call with an ABI v1 error: `{"code", "message"}` as the Extism error; returns 1. */
function fail(code: string, message: string): i32 {
  const error = Memory.allocateString(
    '{"code":"' + code + '","message":' + jsonString(message) + "}",
  );
  error_set(error.offset);
  return 1;
}

/** Appends an event to the call's audit record; whether the host accepted it. */
function auditLog(event: string, message: string): bool {
  const request = Memory.allocateString(
    '{"event":' + jsonString(event) + ',"message":' + jsonString(message) + "}",
  );
  const replyOffset = audit_log(request.offset);
  request.free();
  if (replyOffset == 0) return false;
  const reply = new Memory(replyOffset, length(replyOffset));
  const text = reply.toString();
  reply.free();
  // The host answers compact JSON: `{"ok":{"sequence":0}}` or `{"error":{…}}`.
  return text.startsWith('{"ok":');
}

/** `s` as a JSON string literal. */
function jsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    out += s.substring(start, i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += "\\\\";
    else out += "\\u00" + (c < 0x10 ? "0" : "") + c.toString(16);
    start = i + 1;
  }
  return out + s.substring(start) + '"';
}

function nullableString(s: string | null): string {
  return s !== null ? jsonString(s) : "null";
}

/**
 * AssemblyScript's runtime calls this instead of importing `env.abort` (asconfig.json: `use`),
 * which medplug refuses: an out-of-bounds access or a failed assertion becomes an ABI
 * `internal` error, then a trap.
 */
function abortWithError(
  message: string | null,
  fileName: string | null,
  line: u32,
  column: u32,
): void {
  fail(
    "internal",
    "cns-check aborted: " + (message !== null ? message : "") + " at " +
      (fileName !== null ? fileName : "?") + ":" + line.toString() + ":" + column.toString(),
  );
  unreachable();
}
