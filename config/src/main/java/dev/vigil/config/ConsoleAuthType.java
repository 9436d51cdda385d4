package dev.vigil.config;

/** How the console checks who is asking ({@code console.auth.type}). */
public enum ConsoleAuthType implements ConfigName {
  /** Anyone who can reach the port may read (the default binds to 127.0.0.1 only). */
  NONE("none"),
  /** HTTP Basic: {@code console.auth.user} and {@code console.auth.password}. */
  BASIC("basic"),
  /** {@code Authorization: Bearer TOKEN} with {@code console.auth.token}. */
  BEARER("bearer");

  private final String configName;

  ConsoleAuthType(String configName) {
    this.configName = configName;
  }

  /** The value as written in the YAML file. */
  @Override
  public String configName() {
    return configName;
  }
}
