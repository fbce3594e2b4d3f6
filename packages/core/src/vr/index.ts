// VR meetups: the relay's wire format, its JSON frames, close codes and the REST shapes.
export * from './quaternion';
export * from './pose-codec';
export * from './close-codes';
export * from './room-messages';
export * from './experience-schemas';
