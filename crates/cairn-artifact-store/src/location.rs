//! Where `cairn serve --artifacts` says artifacts go: a local folder, or `s3://bucket/prefix`
//! with the endpoint, credentials and region read from the variables S3 tools read
//! ([`S3Settings::from_env`]), and the client's timeouts and retries set short so that a store
//! that is down answers within seconds.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::{BackoffConfig, ClientOptions, RetryConfig};

use crate::{ArtifactError, ArtifactStore, FolderStore, S3Store};

/// The region when none is set, as in the AWS tools.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Longest wait for a connection to the store.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Longest wait for the next bytes of an answer (an answer may stream for long; a pause may not).
const READ_TIMEOUT: Duration = Duration::from_secs(15);
/// Retries of a failed request, and how long retrying may take in all.
const MAX_RETRIES: usize = 2;
const RETRY_TIMEOUT: Duration = Duration::from_secs(5);

/// A place for artifacts, as `--artifacts` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArtifactLocation {
    /// A local folder.
    Folder(PathBuf),
    /// A bucket of an S3-compatible store, and a prefix in it (may be empty).
    S3 {
        /// The bucket.
        bucket: String,
        /// The key prefix, without slashes at its ends.
        prefix: String,
    },
}

impl ArtifactLocation {
    /// `s3://bucket[/prefix]`, else a local path; another `scheme://` is refused naming it.
    pub fn parse(text: &str) -> Result<ArtifactLocation, ArtifactError> {
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(ArtifactError::Invalid(format!(
                    "invalid artifact location '{text}': s3:// needs a bucket name \
                     (s3://bucket/prefix)"
                )));
            }
            let prefix = crate::key::normalise(prefix).map_err(|_| {
                ArtifactError::Invalid(format!(
                    "invalid artifact location '{text}': its prefix has '..', a backslash or a \
                     control character"
                ))
            })?;
            return Ok(ArtifactLocation::S3 {
                bucket: bucket.to_owned(),
                prefix,
            });
        }
        if let Some((scheme, _)) = text.split_once("://") {
            return Err(ArtifactError::Invalid(format!(
                "invalid artifact location '{text}': '{scheme}://' is not supported; give a \
                 folder or s3://bucket/prefix"
            )));
        }
        Ok(ArtifactLocation::Folder(PathBuf::from(text)))
    }
}

/// How to reach an S3-compatible store, from the usual variables.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct S3Settings {
    /// `MLFLOW_S3_ENDPOINT_URL`, else `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`; none is AWS.
    pub endpoint: Option<String>,
    /// `AWS_DEFAULT_REGION`, else `AWS_REGION`, else [`DEFAULT_REGION`].
    pub region: String,
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: Option<String>,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: Option<String>,
    /// `AWS_SESSION_TOKEN`.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl S3Settings {
    /// From this process's environment.
    pub fn from_env() -> S3Settings {
        S3Settings::from_lookup(|name| std::env::var(name).ok())
    }

    /// From `lookup` (a variable's value, when set); empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> S3Settings {
        let first = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| lookup(name).filter(|value| !value.trim().is_empty()))
        };
        S3Settings {
            endpoint: first(&[
                "MLFLOW_S3_ENDPOINT_URL",
                "AWS_ENDPOINT_URL_S3",
                "AWS_ENDPOINT_URL",
            ])
            .map(|endpoint| endpoint.trim_end_matches('/').to_owned()),
            region: first(&["AWS_DEFAULT_REGION", "AWS_REGION"])
                .unwrap_or_else(|| DEFAULT_REGION.to_owned()),
            access_key_id: first(&["AWS_ACCESS_KEY_ID"]),
            secret_access_key: first(&["AWS_SECRET_ACCESS_KEY"]),
            session_token: first(&["AWS_SESSION_TOKEN"]),
        }
    }

    /// The bucket as messages name it: bucket, prefix and endpoint, never a credential.
    pub fn describe(&self, bucket: &str, prefix: &str) -> String {
        let place = match &self.endpoint {
            Some(endpoint) => format!("at {}", without_userinfo(endpoint)),
            None => format!("on AWS in {}", self.region),
        };
        if prefix.is_empty() {
            format!("S3 bucket '{bucket}' {place}")
        } else {
            format!("S3 bucket '{bucket}' (prefix '{prefix}') {place}")
        }
    }

    /// A client for `bucket`: path-style requests and plain http allowed only for an explicit
    /// endpoint; short timeouts and few retries.
    pub fn store(&self, bucket: &str, prefix: &str) -> Result<S3Store, ArtifactError> {
        let described = self.describe(bucket, prefix);
        let options = ClientOptions::new()
            .with_connect_timeout(CONNECT_TIMEOUT)
            .with_read_timeout(READ_TIMEOUT)
            .with_timeout_disabled()
            .with_allow_http(
                self.endpoint
                    .as_deref()
                    .is_some_and(|endpoint| endpoint.starts_with("http://")),
            );
        let retry = RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(1),
                base: 2.0,
            },
            max_retries: MAX_RETRIES,
            retry_timeout: RETRY_TIMEOUT,
        };
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(&self.region)
            .with_client_options(options)
            .with_retry(retry);
        if let Some(endpoint) = &self.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(false);
        }
        if let Some(id) = &self.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &self.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        if let Some(token) = &self.session_token {
            builder = builder.with_token(token);
        }
        let client = builder.build().map_err(|error| {
            ArtifactError::Invalid(format!("cannot use the {described}: {error}"))
        })?;
        Ok(S3Store::new(client, prefix, described))
    }
}

/// The artifact store `location` names, S3 reached with `settings`.
pub fn open(
    location: &ArtifactLocation,
    settings: &S3Settings,
) -> Result<Arc<dyn ArtifactStore>, ArtifactError> {
    Ok(match location {
        ArtifactLocation::Folder(root) => Arc::new(FolderStore::new(root.clone())),
        ArtifactLocation::S3 { bucket, prefix } => Arc::new(settings.store(bucket, prefix)?),
    })
}

/// `url` without a `user:password@` part (an endpoint may carry one; messages never show it).
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]
    use super::{ArtifactLocation, S3Settings};

    #[test]
    fn locations_parse() {
        assert_eq!(
            ArtifactLocation::parse("s3://b/team/x/").unwrap(),
            ArtifactLocation::S3 {
                bucket: "b".into(),
                prefix: "team/x".into()
            }
        );
        assert!(ArtifactLocation::parse("s3:///x").is_err());
        assert!(ArtifactLocation::parse("s3://b/../x").is_err());
        assert!(ArtifactLocation::parse("gs://b/x").is_err());
        assert_eq!(
            ArtifactLocation::parse("/srv/a").unwrap(),
            ArtifactLocation::Folder("/srv/a".into())
        );
    }

    #[test]
    fn settings_follow_the_usual_variables_and_never_show_the_secret() {
        let settings = S3Settings::from_lookup(|name| match name {
            "AWS_ENDPOINT_URL" => Some("http://other:1".into()),
            "MLFLOW_S3_ENDPOINT_URL" => Some("http://127.0.0.1:8333/".into()),
            "AWS_REGION" => Some("eu-west-1".into()),
            "AWS_SECRET_ACCESS_KEY" => Some("hunter2".into()),
            _ => None,
        });
        assert_eq!(settings.endpoint.as_deref(), Some("http://127.0.0.1:8333"));
        assert_eq!(settings.region, "eu-west-1");
        assert!(!format!("{settings:?}").contains("hunter2"));
        assert_eq!(
            settings.describe("b", "p"),
            "S3 bucket 'b' (prefix 'p') at http://127.0.0.1:8333"
        );
        assert_eq!(S3Settings::from_lookup(|_| None).region, "us-east-1");
    }

    #[test]
    fn an_endpoints_credentials_are_never_described() {
        let settings = S3Settings::from_lookup(|name| {
            (name == "MLFLOW_S3_ENDPOINT_URL").then(|| "http://key:s3cret@minio:9000/".to_owned())
        });
        let described = settings.describe("b", "");
        assert_eq!(described, "S3 bucket 'b' at http://minio:9000");
    }
}
