package dev.vigil.capture.sampling;

/** Which bodies of a sampled exchange are captured. Names match the config values. */
public enum CaptureMode {
  Input,
  Output,
  InputAndOutput;

  public boolean input() {
    return this != Output;
  }

  public boolean output() {
    return this != Input;
  }
}
