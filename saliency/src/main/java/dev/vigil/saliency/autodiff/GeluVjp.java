package dev.vigil.saliency.autodiff;

import java.util.List;

/**
 * Gelu (opset 20; Hendrycks &amp; Gimpel 2016). approximate="none": Y = X Phi(X) with Phi(X) = (1 + erf(X/sqrt 2))/2
 * and phi(X) = exp(-X^2/2)/sqrt(2 pi), so dY/dX = Phi(X) + X phi(X). approximate="tanh": Y = X/2 (1 + tanh(u)),
 * u = sqrt(2/pi) (X + 0.044715 X^3), so dY/dX = (1 + t)/2 + X/2 (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 X^2) with
 * t = tanh(u). dL/dX = G dY/dX.
 */
final class GeluVjp implements Vjp {

  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
  private static final float KAPPA = 0.044715f;

  @Override
  public void emit(OpNode n, GraphBuilder b) {
    if (!n.needsGradient(0)) {
      return;
    }
    String x = n.in(0);
    String x2 = b.op("Mul", List.of(x, x));
    String slope = switch (n.attrString("approximate", "none")) {
      case "none" -> {
        String phiBig = b.op("Mul", List.of(b.op("Add", List.of(b.scalar(1f),
            b.op("Erf", List.of(b.op("Mul", List.of(x, b.scalar((float) (1 / Math.sqrt(2))))))))), b.scalar(0.5f)));
        String phi = b.op("Mul", List.of(b.op("Exp", List.of(b.op("Mul", List.of(x2, b.scalar(-0.5f))))),
            b.scalar((float) (1 / Math.sqrt(2 * Math.PI)))));
        yield b.op("Add", List.of(phiBig, b.op("Mul", List.of(x, phi))));
      }
      case "tanh" -> {
        String u = b.op("Mul", List.of(b.op("Add", List.of(x, b.op("Mul", List.of(b.op("Mul", List.of(x2, x)),
            b.scalar(KAPPA))))), b.scalar(SQRT_2_OVER_PI)));
        String t = b.op("Tanh", List.of(u));
        String du = b.op("Mul", List.of(b.op("Add", List.of(b.scalar(1f), b.op("Mul", List.of(x2,
            b.scalar(3 * KAPPA))))), b.scalar(SQRT_2_OVER_PI)));
        String half = b.op("Mul", List.of(b.op("Add", List.of(b.scalar(1f), t)), b.scalar(0.5f)));
        String sech2 = b.op("Sub", List.of(b.scalar(1f), b.op("Mul", List.of(t, t))));
        yield b.op("Add", List.of(half, b.op("Mul", List.of(b.op("Mul", List.of(x, b.scalar(0.5f))),
            b.op("Mul", List.of(sech2, du))))));
      }
      default -> throw n.unsupported("approximate=" + n.attrString("approximate", "") + " is not supported");
    };
    n.addGradient(0, b.op("Mul", List.of(n.gradient(0), slope)));
  }
}
