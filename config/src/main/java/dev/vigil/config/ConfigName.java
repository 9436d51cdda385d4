package dev.vigil.config;

/** An enum constant's spelling in the YAML file (which is not always its Java name). */
interface ConfigName {
  String configName();
}
