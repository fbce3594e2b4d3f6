// The three.js room: the theme, one avatar per remote participant drawn from its interpolation buffer,
// name tags, and the local viewer moved by keyboard (WASD / arrows, Q/E to turn), mouse drag or touch drag,
// on-screen buttons, or a WebXR headset (VRButton where navigator.xr supports immersive-vr). Our pose goes
// to the relay every frame (the client paces it). Without WebGL the room keeps working without pictures:
// movement, poses and chat still run, and the page says why nothing is drawn.
import * as THREE from 'three';
import { VRButton } from 'three/addons/webxr/VRButton.js';
import type { Participant, Transform, VrTheme } from '@fanz/core/vr';
import { makeNameTag, setNameTag } from './name-tag';
import type { RelayClient } from './relay-client';
import { buildTheme } from './themes';

export const EYE_HEIGHT = 1.6;
const WALK_SPEED = 2.5; // m/s
const TURN_SPEED = 1.8; // rad/s
const ROOM_RADIUS = 11;

const COLOURS = [0xff6b6b, 0x4ecdc4, 0xffd166, 0x9b5de5, 0x06d6a0, 0xf15bb5, 0x00bbf9, 0xfee440];

interface Avatar {
  group: THREE.Group;
  tag: THREE.Sprite;
}

export type MoveKey = 'forward' | 'back' | 'left' | 'right' | 'turnLeft' | 'turnRight';

const KEYS: Record<string, MoveKey> = {
  KeyW: 'forward', ArrowUp: 'forward', KeyS: 'back', ArrowDown: 'back',
  KeyA: 'left', KeyD: 'right', KeyQ: 'turnLeft', ArrowLeft: 'turnLeft', KeyE: 'turnRight', ArrowRight: 'turnRight',
};

/** Where participant i stands when they join: around the room, facing the stage. */
export function spawnPoint(index: number): { x: number; z: number; yaw: number } {
  // Alternate sides of the centre line, ~2 m apart, so the first few people see each other at once.
  const slot = index % 12;
  const a = Math.PI / 2 + (slot % 2 === 0 ? 1 : -1) * (0.2 + Math.floor(slot / 2) * 0.4);
  const r = 5 + Math.floor(index / 12) * 1.5;
  const x = Math.cos(a) * r;
  const z = Math.sin(a) * r - 1;
  return { x, z, yaw: Math.atan2(x, z + 5) };
}

export class RoomScene {
  readonly webglProblem: string | null = null;
  private xrButton: HTMLElement | null = null;
  private renderer: THREE.WebGLRenderer | null = null;
  private readonly scene = new THREE.Scene();
  private readonly camera: THREE.PerspectiveCamera;
  private readonly rig = new THREE.Group();
  private readonly avatars = new Map<number, Avatar>();
  private readonly held = new Set<MoveKey>();
  private yaw: number;
  private pitch = 0;
  private animate: (t: number) => void = () => {};
  private last = performance.now();
  private fallbackTimer: ReturnType<typeof setInterval> | null = null;
  private drag: { x: number; y: number; id: number } | null = null;
  private readonly cleanups: (() => void)[] = [];
  private disposed = false;

  constructor(
    private readonly host: HTMLElement,
    theme: VrTheme,
    private readonly client: RelayClient,
    you: Participant,
  ) {
    const spawn = spawnPoint(you.participantIndex);
    this.yaw = spawn.yaw;
    this.rig.position.set(spawn.x, 0, spawn.z);
    this.camera = new THREE.PerspectiveCamera(70, 16 / 9, 0.05, 200);
    this.camera.position.y = EYE_HEIGHT;
    this.rig.add(this.camera);
    this.scene.add(this.rig);
    this.animate = buildTheme(this.scene, theme);
    try {
      const r = new THREE.WebGLRenderer({ antialias: true });
      r.setPixelRatio(Math.min(devicePixelRatio, 2));
      r.xr.enabled = true;
      r.domElement.setAttribute('aria-hidden', 'true');
      r.domElement.className = 'vr-canvas';
      host.appendChild(r.domElement);
      this.renderer = r;
      r.setAnimationLoop((t) => this.frame(t));
    } catch (err) {
      (this as { webglProblem: string | null }).webglProblem = `3D is not available in this browser (${(err as Error).message || 'no WebGL'}); you can still move, chat and see who is here.`;
      this.fallbackTimer = setInterval(() => this.frame(performance.now()), 1000 / 30);
    }
    this.resize();
    this.listen();
  }

  private on<K extends keyof WindowEventMap>(target: Window, type: K, fn: (e: WindowEventMap[K]) => void): void;
  private on<K extends keyof HTMLElementEventMap>(target: HTMLElement, type: K, fn: (e: HTMLElementEventMap[K]) => void): void;
  private on(target: Window | HTMLElement, type: string, fn: (e: Event) => void): void {
    target.addEventListener(type, fn);
    this.cleanups.push(() => target.removeEventListener(type, fn));
  }

  private listen(): void {
    const ro = new ResizeObserver(() => this.resize());
    ro.observe(this.host);
    this.cleanups.push(() => ro.disconnect());
    // Keys move only while the room (not the chat box) has focus, so typing a message never walks.
    this.on(this.host, 'keydown', (e) => {
      const k = KEYS[e.code];
      if (!k || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      this.held.add(k);
    });
    this.on(this.host, 'keyup', (e) => {
      const k = KEYS[e.code];
      if (k) this.held.delete(k);
    });
    this.on(this.host, 'blur', () => this.held.clear());
    this.on(this.host, 'pointerdown', (e) => {
      if ((e.target as HTMLElement).closest('button')) return;
      this.drag = { x: e.clientX, y: e.clientY, id: e.pointerId };
      this.host.setPointerCapture(e.pointerId);
      this.host.focus();
    });
    this.on(this.host, 'pointermove', (e) => {
      if (!this.drag || this.drag.id !== e.pointerId) return;
      const k = e.pointerType === 'touch' ? 0.006 : 0.004;
      this.yaw -= (e.clientX - this.drag.x) * k;
      this.pitch = Math.max(-1.2, Math.min(1.2, this.pitch - (e.clientY - this.drag.y) * k));
      this.drag.x = e.clientX;
      this.drag.y = e.clientY;
    });
    const end = (e: PointerEvent) => {
      if (this.drag?.id === e.pointerId) this.drag = null;
    };
    this.on(this.host, 'pointerup', end);
    this.on(this.host, 'pointercancel', end);
  }

  /** three's VRButton, only where the browser can open an immersive-vr session (else null: no dead button). */
  async xrEntry(): Promise<HTMLElement | null> {
    const xr = (navigator as Navigator & { xr?: { isSessionSupported(mode: string): Promise<boolean> } }).xr;
    if (!this.renderer || !xr) return null;
    const ok = await xr.isSessionSupported('immersive-vr').catch(() => false);
    if (!ok || !this.renderer) return null;
    this.xrButton = VRButton.createButton(this.renderer);
    this.xrButton.classList.add('vr-xr-button');
    return this.xrButton;
  }

  /** On-screen movement buttons press and release the same moves as the keys. */
  press(k: MoveKey, down: boolean): void {
    if (down) this.held.add(k);
    else this.held.delete(k);
  }

  private resize(): void {
    const w = this.host.clientWidth || 1;
    const h = this.host.clientHeight || 1;
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.renderer?.setSize(w, h, false);
  }

  private move(dt: number): void {
    const h = this.held;
    if (h.has('turnLeft')) this.yaw += TURN_SPEED * dt;
    if (h.has('turnRight')) this.yaw -= TURN_SPEED * dt;
    const f = (h.has('forward') ? 1 : 0) - (h.has('back') ? 1 : 0);
    const s = (h.has('right') ? 1 : 0) - (h.has('left') ? 1 : 0);
    if (f || s) {
      const sin = Math.sin(this.yaw);
      const cos = Math.cos(this.yaw);
      const p = this.rig.position;
      p.x += (-sin * f + cos * s) * WALK_SPEED * dt;
      p.z += (-cos * f - sin * s) * WALK_SPEED * dt;
      const d = Math.hypot(p.x, p.z);
      if (d > ROOM_RADIUS) p.multiplyScalar(ROOM_RADIUS / d);
    }
    this.rig.rotation.y = this.yaw;
    // In a headset the head sets the pitch; on screen, the drag does.
    if (!this.renderer?.xr.isPresenting) this.camera.rotation.x = this.pitch;
  }

  /** Our head in the room (what we send): position and orientation of the camera in world space. */
  localTransform(): Transform {
    const cam = this.renderer?.xr.isPresenting ? this.renderer.xr.getCamera() : this.camera;
    cam.updateMatrixWorld();
    const p = new THREE.Vector3();
    const q = new THREE.Quaternion();
    cam.matrixWorld.decompose(p, q, new THREE.Vector3());
    return { position: { x: p.x, y: p.y, z: p.z }, quaternion: { x: q.x, y: q.y, z: q.z, w: q.w } };
  }

  private avatar(p: Participant): Avatar {
    let a = this.avatars.get(p.participantIndex);
    if (!a) {
      const colour = p.role === 'host' ? 0xffffff : COLOURS[p.participantIndex % COLOURS.length]!;
      const group = new THREE.Group();
      const body = new THREE.Mesh(new THREE.CapsuleGeometry(0.25, 0.8, 4, 12), new THREE.MeshStandardMaterial({ color: colour, roughness: 0.6 }));
      body.position.y = 0.75;
      const head = new THREE.Mesh(new THREE.SphereGeometry(0.2, 16, 12), new THREE.MeshStandardMaterial({ color: colour, roughness: 0.4 }));
      head.name = 'head';
      head.position.y = EYE_HEIGHT - 0.05;
      const visor = new THREE.Mesh(new THREE.BoxGeometry(0.26, 0.08, 0.06), new THREE.MeshStandardMaterial({ color: 0x111122 }));
      visor.position.set(0, 0.02, -0.18);
      head.add(visor);
      const tag = makeNameTag(p.displayName);
      tag.position.y = EYE_HEIGHT + 0.5;
      group.add(body, head, tag);
      this.scene.add(group);
      a = { group, tag };
      this.avatars.set(p.participantIndex, a);
    }
    setNameTag(a.tag, `${p.displayName}${p.role === 'host' ? ' ★' : ''}${p.muted ? ' (muted)' : ''}`);
    return a;
  }

  private drawAvatars(now: number): void {
    const seen = new Set<number>();
    const euler = new THREE.Euler(0, 0, 0, 'YXZ');
    const q = new THREE.Quaternion();
    for (const p of this.client.participants.values()) {
      const t = p.buffer.sample(now);
      if (!t) continue; // not placed until their first pose arrives
      seen.add(p.participantIndex);
      const a = this.avatar(p);
      a.group.position.set(t.position.x, Math.max(0, t.position.y - EYE_HEIGHT), t.position.z);
      q.set(t.quaternion.x, t.quaternion.y, t.quaternion.z, t.quaternion.w);
      euler.setFromQuaternion(q);
      a.group.rotation.y = euler.y;
      a.group.getObjectByName('head')!.rotation.x = euler.x;
    }
    for (const [i, a] of this.avatars) {
      if (seen.has(i)) continue;
      this.scene.remove(a.group);
      a.group.traverse((o) => {
        if (o instanceof THREE.Mesh || o instanceof THREE.Sprite) {
          o.geometry.dispose();
          const m = o.material as THREE.Material & { map?: THREE.Texture | null };
          m.map?.dispose();
          m.dispose();
        }
      });
      this.avatars.delete(i);
    }
  }

  private frame(t: number): void {
    const now = performance.now();
    // Capped so a stalled tab does not jump, but loose enough that slow devices (a few fps) still walk at speed.
    const dt = Math.min(0.25, (now - this.last) / 1000);
    this.last = now;
    this.move(dt);
    this.client.sendPose(this.localTransform());
    this.drawAvatars(now);
    this.animate(t);
    this.renderer?.render(this.scene, this.camera);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.cleanups) c();
    if (this.fallbackTimer) clearInterval(this.fallbackTimer);
    this.renderer?.setAnimationLoop(null);
    this.renderer?.dispose();
    this.renderer?.domElement.remove();
    this.xrButton?.remove();
  }
}
