package dev.vigil.demo.scenario;

import dev.vigil.demo.attack.StopSignAttack;
import dev.vigil.demo.signs.SignSample;

/**
 * An adversarial request of the demo and the clean sign it was made from.
 *
 * @param inferenceId the {@code X-Inference-Id} it was sent with (kept in its capture record)
 * @param source the generated sign, with its true class
 * @param adversarial the attack's output for it
 */
public record AttackedSign(String inferenceId, SignSample source, StopSignAttack.Adversarial adversarial) {}
