#!/usr/bin/env node
// A minimal credential_process program for the benchmark: prints temporary credentials in the
// format the AWS CLI and SDKs expect (Version 1), as tools such as aws-vault or granted do, but
// without any work of its own: its cost is the process start a credential_process always pays.
// The key values are hand-written test values (moto accepts any key); nothing here is a secret.
const expiration = new Date(Date.now() + 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
process.stdout.write(
  JSON.stringify({
    Version: 1,
    AccessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    SessionToken: 'bench-session-token-EXAMPLE',
    Expiration: expiration,
  }),
);
