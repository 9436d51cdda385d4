package dev.vigil.demo.attack;

import java.awt.image.BufferedImage;

/** 8-bit RGB images as integer levels 0..255 in CHW order (the model's layout), and back. */
final class Levels {
  private Levels() {}

  /** The image's R, G and B planes, one level per value. */
  static int[] of(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int plane = w * h;
    int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
    int[] chw = new int[3 * plane];
    for (int p = 0; p < plane; p++) {
      chw[p] = (rgb[p] >> 16) & 0xff;
      chw[plane + p] = (rgb[p] >> 8) & 0xff;
      chw[2 * plane + p] = rgb[p] & 0xff;
    }
    return chw;
  }

  /** An opaque RGB image of {@code w x h} from CHW levels. */
  static BufferedImage toImage(int[] chw, int w, int h) {
    int plane = w * h;
    int[] rgb = new int[plane];
    for (int p = 0; p < plane; p++) {
      rgb[p] = (chw[p] << 16) | (chw[plane + p] << 8) | chw[2 * plane + p];
    }
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, w, h, rgb, 0, w);
    return image;
  }
}
