package dev.vigil.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One HMAC secret for {@code capture.redact} ({@code agent.redaction.keys[]}): exactly one of
 * {@code secret} (usually {@code ${ENV_VAR}}) and {@code secretFile} is set. The file is read by the
 * agent when it starts, not by {@code config check}.
 *
 * @param id stored with every hash made with this key, so a rotation keeps old hashes verifiable
 * @param secret the secret itself, or empty when read from {@code secretFile}
 * @param secretFile a file holding the secret (trailing line breaks ignored), or null
 */
public record RedactionKeyConfig(String id, Secret secret, Path secretFile) {
  public RedactionKeyConfig {
    Objects.requireNonNull(id, "id");
    secret = secret == null ? Secret.empty() : secret;
  }
}
