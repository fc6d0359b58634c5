//! Server-side copies between two S3 locations of one endpoint (CopyObject, UploadPartCopy):
//! the bytes stay in the object store and never pass through this tool.
//!
//! opendal copies only inside one bucket and one root, so these requests are made here,
//! signed with AWS SigV4 by `reqsign` (the signer opendal itself uses). Only stores opened
//! with static keys can copy this way; the caller falls back to a streamed copy otherwise.
//!
//! The CRC-32C of the copy comes from the store where it offers one: the copy asks for
//! `x-amz-checksum-algorithm: CRC32C` and reads `ChecksumCRC32C` from the answer (per part for
//! a multipart copy, combined with `crc32c_combine`). A store that gives none leaves `None`,
//! and the caller reads the copy once to compute it.

use crate::secret::Secret;
use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use std::time::Duration;

/// The largest object one CopyObject may copy (S3's limit); larger ones go part by part.
pub const MAX_SINGLE_COPY: u64 = 5 << 30;
/// The size of a part of a multipart server-side copy (S3 allows 5 MiB to 5 GiB).
const COPY_PART_SIZE: u64 = 1 << 30;
/// S3's smallest part (all but the last).
const MIN_PART_SIZE: u64 = 5 << 20;

/// Percent-encoding of a key in a path or a copy source: everything but unreserved
/// characters and `/`.
const KEY_CHARS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// One bucket of one S3 endpoint, with the static keys that sign requests to it.
#[derive(Clone)]
pub struct S3Direct {
    endpoint: String,
    region: String,
    bucket: String,
    access_key_id: Secret,
    secret_access_key: Secret,
    client: reqwest::Client,
}

impl std::fmt::Debug for S3Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Direct")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .finish_non_exhaustive()
    }
}

/// What a server-side copy reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerCopy {
    /// The object's CRC-32C as the store computed it, if it offers checksums.
    pub crc32c: Option<u32>,
    /// How many requests it took (1 for CopyObject; 2 + parts for a multipart copy).
    pub requests: u32,
}

/// A failed request: what was asked and what the store said (never a credential).
#[derive(Debug)]
pub struct DirectError {
    pub op: &'static str,
    pub reason: String,
}

type DirectResult<T> = std::result::Result<T, DirectError>;

impl S3Direct {
    pub fn new(
        endpoint: &str,
        region: &str,
        bucket: &str,
        access_key_id: &Secret,
        secret_access_key: &Secret,
        client: reqwest::Client,
    ) -> S3Direct {
        S3Direct {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            region: region.to_string(),
            bucket: bucket.to_string(),
            access_key_id: access_key_id.clone(),
            secret_access_key: secret_access_key.clone(),
            client,
        }
    }

    /// Whether a copy from `other` into this bucket can run on the server: the same endpoint,
    /// region and keys (the keys must be allowed to read the source and write here).
    pub fn same_account(&self, other: &S3Direct) -> bool {
        self.endpoint == other.endpoint
            && self.region == other.region
            && self.access_key_id.expose() == other.access_key_id.expose()
            && self.secret_access_key.expose() == other.secret_access_key.expose()
    }

    /// Copies `src_key` of `src`'s bucket to `dst_key` of this bucket (both full object keys,
    /// roots included). Objects above `max_single` (normally [`MAX_SINGLE_COPY`]) are copied
    /// part by part; a failed multipart copy is aborted so that no parts are left behind.
    pub async fn copy_from(
        &self,
        src: &S3Direct,
        src_key: &str,
        dst_key: &str,
        size: u64,
        max_single: u64,
    ) -> DirectResult<ServerCopy> {
        let source = format!(
            "/{}/{}",
            src.bucket,
            utf8_percent_encode(src_key, KEY_CHARS)
        );
        if size <= max_single {
            let body = self
                .send(
                    "copy object",
                    reqwest::Method::PUT,
                    dst_key,
                    "",
                    &[
                        ("x-amz-copy-source", source.as_str()),
                        ("x-amz-checksum-algorithm", "CRC32C"),
                    ],
                    String::new(),
                )
                .await?;
            let result: CopyResult = parse_xml("copy object", &body)?;
            return Ok(ServerCopy {
                crc32c: result.checksum_crc32c.as_deref().and_then(decode_crc),
                requests: 1,
            });
        }
        let part_size = part_size(size, max_single.min(COPY_PART_SIZE));
        let upload_id = self.create_multipart(dst_key).await?;
        match self
            .copy_parts(&source, dst_key, &upload_id, size, part_size)
            .await
        {
            Ok(copy) => Ok(copy),
            Err(e) => {
                let _ = self
                    .send(
                        "abort multipart copy",
                        reqwest::Method::DELETE,
                        dst_key,
                        &format!("uploadId={}", utf8_percent_encode(&upload_id, KEY_CHARS)),
                        &[],
                        String::new(),
                    )
                    .await;
                Err(e)
            }
        }
    }

    /// The CRC-32C the store keeps for `key` (HeadObject with `x-amz-checksum-mode: ENABLED`),
    /// if it keeps one. Stores that compute it at the copy without answering it in the copy's
    /// reply give it here; `None` means the object must be read for it.
    pub async fn stored_crc32c(&self, key: &str) -> Option<u32> {
        let url = self.url(key, "");
        let request = self
            .signed(
                &reqwest::Method::HEAD,
                &url,
                &[("x-amz-checksum-mode", "ENABLED")],
                String::new(),
            )
            .ok()?;
        let resp = self.client.execute(request).await.ok()?;
        if !resp.status().is_success() {
            return None;
        }
        let value = resp.headers().get("x-amz-checksum-crc32c")?.to_str().ok()?;
        decode_crc(value)
    }

    async fn create_multipart(&self, key: &str) -> DirectResult<String> {
        let body = self
            .send(
                "start multipart copy",
                reqwest::Method::POST,
                key,
                "uploads=",
                &[("x-amz-checksum-algorithm", "CRC32C")],
                String::new(),
            )
            .await?;
        let started: InitiateResult = parse_xml("start multipart copy", &body)?;
        Ok(started.upload_id)
    }

    async fn copy_parts(
        &self,
        source: &str,
        key: &str,
        upload_id: &str,
        size: u64,
        part_size: u64,
    ) -> DirectResult<ServerCopy> {
        let upload = utf8_percent_encode(upload_id, KEY_CHARS).to_string();
        let mut parts = Vec::new();
        let mut crc: Option<u32> = Some(0);
        let mut start = 0u64;
        while start < size {
            let end = (start + part_size).min(size) - 1;
            let number = parts.len() + 1;
            let range = format!("bytes={start}-{end}");
            let body = self
                .send(
                    "copy part",
                    reqwest::Method::PUT,
                    key,
                    &format!("partNumber={number}&uploadId={upload}"),
                    &[
                        ("x-amz-copy-source", source),
                        ("x-amz-copy-source-range", range.as_str()),
                    ],
                    String::new(),
                )
                .await?;
            let part: CopyResult = parse_xml("copy part", &body)?;
            let part_crc = part.checksum_crc32c.as_deref().and_then(decode_crc);
            crc = match (crc, part_crc) {
                (Some(sofar), Some(p)) => {
                    Some(crc32c::crc32c_combine(sofar, p, (end + 1 - start) as usize))
                }
                _ => None,
            };
            parts.push((number, part.etag, part.checksum_crc32c));
            start = end + 1;
        }
        let mut xml = String::from("<CompleteMultipartUpload>");
        for (number, etag, checksum) in &parts {
            xml.push_str(&format!(
                "<Part><PartNumber>{number}</PartNumber><ETag>{}</ETag>",
                xml_escape(etag)
            ));
            if let Some(c) = checksum {
                xml.push_str(&format!(
                    "<ChecksumCRC32C>{}</ChecksumCRC32C>",
                    xml_escape(c)
                ));
            }
            xml.push_str("</Part>");
        }
        xml.push_str("</CompleteMultipartUpload>");
        let body = self
            .send(
                "finish multipart copy",
                reqwest::Method::POST,
                key,
                &format!("uploadId={upload}"),
                &[],
                xml,
            )
            .await?;
        // The answer may be an error even with status 200: parse it.
        let _: CompleteResult = parse_xml("finish multipart copy", &body)?;
        Ok(ServerCopy {
            crc32c: crc,
            requests: parts.len() as u32 + 2,
        })
    }

    /// Sends one signed request (path-style URL) and returns the body of a successful answer.
    /// Transport errors and 5xx answers are tried again (3 tries in all).
    async fn send(
        &self,
        op: &'static str,
        method: reqwest::Method,
        key: &str,
        query: &str,
        headers: &[(&str, &str)],
        body: String,
    ) -> DirectResult<String> {
        let url = self.url(key, query);
        let mut last = String::new();
        for attempt in 0..3u32 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(300 << attempt)).await;
            }
            let request = self
                .signed(&method, &url, headers, body.clone())
                .map_err(|reason| DirectError { op, reason })?;
            match self.client.execute(request).await {
                Ok(resp) => {
                    let status = resp.status();
                    let text = resp.text().await.unwrap_or_default();
                    if status.is_success() {
                        return Ok(text);
                    }
                    last = format!("HTTP {}: {}", status.as_u16(), error_summary(&text));
                    if !status.is_server_error() {
                        break;
                    }
                }
                Err(e) => last = format!("request failed: {e}"),
            }
        }
        Err(DirectError { op, reason: last })
    }

    /// The path-style URL of `key` in this bucket, with a query string if one is given.
    fn url(&self, key: &str, query: &str) -> String {
        format!(
            "{}/{}/{}{}{}",
            self.endpoint,
            self.bucket,
            utf8_percent_encode(key, KEY_CHARS),
            if query.is_empty() { "" } else { "?" },
            query
        )
    }

    fn signed(
        &self,
        method: &reqwest::Method,
        url: &str,
        headers: &[(&str, &str)],
        body: String,
    ) -> std::result::Result<reqwest::Request, String> {
        let mut builder = http::Request::builder().method(method.clone()).uri(url);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let mut req = builder.body(body).map_err(|e| e.to_string())?;
        let credential = reqsign::AwsCredential {
            access_key_id: self.access_key_id.expose().to_string(),
            secret_access_key: self.secret_access_key.expose().to_string(),
            session_token: None,
            expires_in: None,
        };
        reqsign::AwsV4Signer::new("s3", &self.region)
            .sign(&mut req, &credential)
            .map_err(|e| format!("cannot sign the request: {e}"))?;
        reqwest::Request::try_from(req).map_err(|e| e.to_string())
    }
}

/// Parts of at most `max_part` bytes, never below S3's minimum, and never more than 10,000.
fn part_size(size: u64, max_part: u64) -> u64 {
    let at_least = size.div_ceil(10_000);
    max_part.max(MIN_PART_SIZE).max(at_least)
}

/// S3 gives a CRC-32C as the base64 of its 4 big-endian bytes.
fn decode_crc(b64: &str) -> Option<u32> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The answer's body as `T`, or the S3 `<Error>` it holds instead.
fn parse_xml<T: for<'de> Deserialize<'de>>(op: &'static str, body: &str) -> DirectResult<T> {
    if body.contains("<Error>") {
        return Err(DirectError {
            op,
            reason: error_summary(body),
        });
    }
    quick_xml::de::from_str(body).map_err(|e| DirectError {
        op,
        reason: format!("unexpected answer ({e}): {}", first_chars(body)),
    })
}

/// `Code: Message` of an S3 error body, or its first characters.
fn error_summary(body: &str) -> String {
    match quick_xml::de::from_str::<S3Error>(body) {
        Ok(e) => format!("{}: {}", e.code, e.message.unwrap_or_default()),
        Err(_) => first_chars(body),
    }
}

fn first_chars(s: &str) -> String {
    s.chars().take(200).collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CopyResult {
    #[serde(rename = "ETag")]
    etag: String,
    #[serde(rename = "ChecksumCRC32C", default)]
    checksum_crc32c: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InitiateResult {
    upload_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CompleteResult {
    #[serde(rename = "ETag", default)]
    _etag: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct S3Error {
    code: String,
    #[serde(default)]
    message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_is_decoded_from_base64_big_endian() {
        // CRC-32C of "hello world" is 0xC99465AA.
        let b64 = base64::engine::general_purpose::STANDARD.encode(0xC994_65AAu32.to_be_bytes());
        assert_eq!(decode_crc(&b64), Some(0xC994_65AA));
        assert_eq!(crc32c::crc32c(b"hello world"), 0xC994_65AA);
        assert_eq!(decode_crc("not base64!"), None);
        assert_eq!(decode_crc("AAAA"), None, "3 bytes are not a CRC-32C");
    }

    #[test]
    fn part_checksums_combine_into_the_whole_objects() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut crc = 0;
        for part in data.chunks(30_000) {
            crc = crc32c::crc32c_combine(crc, crc32c::crc32c(part), part.len());
        }
        assert_eq!(crc, crc32c::crc32c(&data));
    }

    #[test]
    fn part_sizes_respect_s3_limits() {
        assert_eq!(part_size(6 << 30, 1 << 30), 1 << 30);
        assert_eq!(part_size(100 << 20, 1 << 20), 5 << 20, "never below 5 MiB");
        let huge = 50u64 << 40;
        assert!(huge.div_ceil(part_size(huge, 1 << 30)) <= 10_000);
    }

    #[test]
    fn copy_source_keys_are_percent_encoded() {
        let key = "a b/c+d/é";
        assert_eq!(
            utf8_percent_encode(key, KEY_CHARS).to_string(),
            "a%20b/c%2Bd/%C3%A9"
        );
    }

    #[test]
    fn copy_answers_are_parsed_and_errors_named() {
        let ok = r#"<?xml version="1.0" encoding="UTF-8"?>
<CopyObjectResult><ETag>"abc"</ETag><LastModified>2026-12-03T00:00:00Z</LastModified><ChecksumCRC32C>yZRlqg==</ChecksumCRC32C></CopyObjectResult>"#;
        let r: CopyResult = parse_xml("copy object", ok).unwrap();
        assert_eq!(r.etag, "\"abc\"");
        assert_eq!(
            r.checksum_crc32c.as_deref().and_then(decode_crc),
            Some(0xC994_65AA)
        );
        let err = r#"<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"#;
        let e = parse_xml::<CopyResult>("copy object", err).err().unwrap();
        assert_eq!(e.reason, "NoSuchKey: The specified key does not exist.");
    }
}
