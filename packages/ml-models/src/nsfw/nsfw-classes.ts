// The nsfwjs classifier's output classes, in output order (as in nsfwjs's nsfw_classes).
export const NSFW_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];
/** Input side length the model was trained at. */
export const NSFW_INPUT_SIZE = 224;
