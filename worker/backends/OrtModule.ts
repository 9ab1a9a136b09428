import type * as OrtTypes from 'onnxruntime-web';

/** The onnxruntime-web module (its type only: nothing here loads ORT). */
export type OrtModule = typeof OrtTypes;
