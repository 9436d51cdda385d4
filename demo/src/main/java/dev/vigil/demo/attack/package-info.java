/**
 * Adversarial traffic signs for the demo: {@link dev.vigil.demo.attack.StopSignAttack} runs a
 * targeted PGD attack (L-inf budget at most 8/255, 8-bit pixels throughout) that turns signs into
 * "Stop" for the model, with the input gradients of the saliency module's autodiff.
 */
package dev.vigil.demo.attack;
