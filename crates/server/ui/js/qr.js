// Reading a label's QR code from the camera: getUserMedia (the back camera where there is one),
// frames drawn on a canvas and decoded by the browser's BarcodeDetector when it reads QR codes,
// else by jsQR (vendor/jsqr.js, from npm, pinned by ui-vendor/package-lock.json), which runs
// here too: nothing leaves the device.

/** The decoder this browser will use: 'BarcodeDetector' or 'jsQR'. */
export async function decoderName() {
  if ('BarcodeDetector' in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) return 'BarcodeDetector';
    } catch (_) { /* not usable: fall back */ }
  }
  return 'jsQR';
}

async function decoder(name) {
  if (name === 'BarcodeDetector') {
    const d = new window.BarcodeDetector({ formats: ['qr_code'] });
    return async (canvas) => {
      const found = await d.detect(canvas);
      return found.length ? found[0].rawValue : null;
    };
  }
  const { default: jsQR } = await import('../vendor/jsqr.js');
  return async (canvas, ctx) => {
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const found = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
    return found ? found.data : null;
  };
}

/**
 * Starts the camera into `video` and decodes frames until a QR code is read (then `onText`
 * gets its text and the camera stops) or `stop()` is called. Resolves to
 * `{decoder, stop}` once the camera runs; rejects when there is no camera or no permission.
 */
export async function startScan(video, onText) {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera access in this browser');
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  video.muted = true;
  video.setAttribute('playsinline', '');
  await video.play();
  const name = await decoderName();
  const decode = await decoder(name);
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let running = true;
  const stop = () => {
    running = false;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  const tick = async () => {
    if (!running) return;
    if (video.videoWidth && video.readyState >= 2) {
      // Decoding a smaller frame is faster and a label's QR code stays readable.
      const scale = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      let text = null;
      try { text = await decode(canvas, ctx); } catch (_) { text = null; }
      if (text && running) {
        stop();
        onText(text);
        return;
      }
    }
    setTimeout(tick, 150);
  };
  tick();
  return { decoder: name, stop };
}
