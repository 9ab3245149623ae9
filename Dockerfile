# A minimal image: just the static policy_sentry binary (the IAM data is compiled in).
# Build the binary first (scripts/docker-build does both):
#   RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --target x86_64-unknown-linux-gnu
#   docker build -t policy_sentry .
# Both `docker run -i --rm policy_sentry query action-table --service s3` and the 2020 one-string
# form `docker run -i --rm policy_sentry "query action-table --service s3"` work.
FROM scratch
COPY target/x86_64-unknown-linux-gnu/release/policy_sentry /policy_sentry
ENTRYPOINT ["/policy_sentry"]
