#!/bin/sh
# Apache's SSLPassPhraseDialog exec: helper for {{NAME}}.key.pem (apache.conf names it).
# Apache runs it as root at start-up, before it drops privileges, with two arguments
# (server:port and the key type) that it does not need: it prints the passphrase kept in
# passphrase.txt beside it, a file only root can read (README.txt says how to make it).
# It answers for every encrypted key Apache loads, so keep it for this one key only.
exec cat -- '{{FOLDER}}/passphrase.txt'
