// A name tag over an avatar: the name drawn once into a canvas texture on a sprite (always faces the
// viewer). Redrawn only when the name or the muted mark changes.
import * as THREE from 'three';

export function makeNameTag(text: string): THREE.Sprite {
  const canvas = document.createElement('canvas');
  canvas.width = 512;
  canvas.height = 96;
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.SRGBColorSpace;
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: texture, depthTest: false, transparent: true }));
  sprite.scale.set(1.6, 0.3, 1);
  sprite.renderOrder = 10;
  setNameTag(sprite, text);
  return sprite;
}

export function setNameTag(sprite: THREE.Sprite, text: string): void {
  if (sprite.userData.text === text) return;
  sprite.userData.text = text;
  const texture = (sprite.material as THREE.SpriteMaterial).map as THREE.CanvasTexture;
  const canvas = texture.image as HTMLCanvasElement;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '600 44px system-ui, sans-serif';
  const label = text.length > 22 ? `${text.slice(0, 21)}…` : text;
  const w = Math.min(canvas.width, ctx.measureText(label).width + 40);
  ctx.fillStyle = 'rgba(10, 10, 20, 0.72)';
  ctx.beginPath();
  ctx.roundRect((canvas.width - w) / 2, 8, w, 80, 24);
  ctx.fill();
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, canvas.width / 2, 50);
  texture.needsUpdate = true;
}
