// The reference implementation our ONNX model is checked and benchmarked against: nsfwjs on
// @tensorflow/tfjs with its pure-JS CPU backend. Dev/test/bench only (tfjs is a devDependency); the app
// never imports this (it is exported as `@fanz/ml-models/reference`, not from the package root).
import * as tf from '@tensorflow/tfjs';
import * as nsfwjs from 'nsfwjs';
import type { RgbImage } from '../image.js';

export interface ReferenceClassifier {
  /** Class probabilities in NSFW_CLASSES order, through nsfwjs's own `infer` (its preprocessing). */
  infer(img: RgbImage): Promise<Float32Array>;
  /** A batch through nsfwjs's preprocessing per image, then one batched predict. */
  inferBatch(images: RgbImage[]): Promise<Float32Array>;
  dispose(): void;
}

export async function loadReferenceClassifier(): Promise<ReferenceClassifier> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const info = console.info;
  console.info = () => {}; // nsfwjs announces the model it loads
  let model: nsfwjs.NSFWJS;
  try {
    model = await nsfwjs.load('MobileNetV2');
  } finally {
    console.info = info;
  }
  const toTensor = (img: RgbImage): tf.Tensor3D => tf.tensor3d(Int32Array.from(img.data), [img.height, img.width, 3], 'int32');
  return {
    async infer(img) {
      const input = toTensor(img);
      const out = model.infer(input) as tf.Tensor;
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
        input.dispose();
      }
    },
    async inferBatch(images) {
      const out = tf.tidy(() => {
        const batch = tf.stack(images.map((img) => tf.image.resizeBilinear(toTensor(img).toFloat().div(255) as tf.Tensor3D, [224, 224], true)));
        return (model.model as tf.LayersModel).predict(batch) as tf.Tensor;
      });
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    },
    dispose() {
      model.dispose();
    },
  };
}
