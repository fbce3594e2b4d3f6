// The room's surroundings, one small procedural scene per theme (no downloaded models or textures): a
// floor, a few shapes that say where you are, lights and a sky colour. Each stays under ~50 draw calls so
// phones and standalone headsets keep their frame rate.
import * as THREE from 'three';
import type { VrTheme } from '@fanz/core/vr';

interface ThemeLook {
  sky: number;
  fog: number;
  floor: number;
  ambient: number;
  sun: number;
}

const LOOKS: Record<VrTheme, ThemeLook> = {
  lounge: { sky: 0x2a2133, fog: 0x2a2133, floor: 0x6b4f3a, ambient: 0xffe3c4, sun: 0xffd2a1 },
  beach: { sky: 0x8fd3ff, fog: 0xbfe6ff, floor: 0xe8d49a, ambient: 0xffffff, sun: 0xfff2d0 },
  rooftop: { sky: 0x33405e, fog: 0x33405e, floor: 0x55585e, ambient: 0xc9d4ff, sun: 0xffc38a },
  nightclub: { sky: 0x07060d, fog: 0x07060d, floor: 0x15131f, ambient: 0x6b5cff, sun: 0xff4fd8 },
  space: { sky: 0x02030a, fog: 0x02030a, floor: 0x2b2f3a, ambient: 0x9fb4ff, sun: 0xffffff },
};

function mesh(geometry: THREE.BufferGeometry, color: number, opts: Partial<THREE.MeshStandardMaterialParameters> = {}): THREE.Mesh {
  return new THREE.Mesh(geometry, new THREE.MeshStandardMaterial({ color, roughness: 0.8, ...opts }));
}

/** A ring of things around the room's centre (seats, palms, pillars), `n` of them at `radius`. */
function ring(n: number, radius: number, make: (i: number) => THREE.Object3D): THREE.Group {
  const g = new THREE.Group();
  for (let i = 0; i < n; i++) {
    const a = (i / n) * Math.PI * 2;
    const o = make(i);
    o.position.set(Math.cos(a) * radius, o.position.y, Math.sin(a) * radius);
    o.lookAt(0, o.position.y, 0);
    g.add(o);
  }
  return g;
}

function decorate(theme: VrTheme, g: THREE.Group): void {
  switch (theme) {
    case 'lounge': {
      g.add(ring(8, 7, () => {
        const sofa = mesh(new THREE.BoxGeometry(2, 0.5, 0.8), 0x8a3b4a);
        sofa.position.y = 0.25;
        return sofa;
      }));
      const lamp = mesh(new THREE.SphereGeometry(0.4, 16, 12), 0xffd7a0, { emissive: 0xffb060, emissiveIntensity: 0.8 });
      lamp.position.set(0, 3.2, 0);
      g.add(lamp);
      break;
    }
    case 'beach': {
      const sea = mesh(new THREE.PlaneGeometry(200, 60), 0x2f8fc4, { roughness: 0.2, metalness: 0.1 });
      sea.rotation.x = -Math.PI / 2;
      sea.position.set(0, 0.02, -45);
      g.add(sea);
      g.add(ring(6, 10, () => {
        const palm = new THREE.Group();
        const trunk = mesh(new THREE.CylinderGeometry(0.12, 0.2, 4, 8), 0x8b6a3e);
        trunk.position.y = 2;
        const crown = mesh(new THREE.ConeGeometry(1.4, 1, 7), 0x2f8f3e);
        crown.position.y = 4.2;
        palm.add(trunk, crown);
        return palm;
      }));
      break;
    }
    case 'rooftop': {
      g.add(ring(12, 14, (i) => {
        const tower = mesh(new THREE.BoxGeometry(4, 10 + ((i * 7) % 5) * 4, 4), 0x22283a, { emissive: 0x303a66, emissiveIntensity: 0.25 });
        tower.position.y = -4;
        return tower;
      }));
      const rail = mesh(new THREE.TorusGeometry(9, 0.05, 6, 64), 0xb0b6c0, { metalness: 0.6 });
      rail.rotation.x = Math.PI / 2;
      rail.position.y = 1;
      g.add(rail);
      break;
    }
    case 'nightclub': {
      const ball = mesh(new THREE.IcosahedronGeometry(0.6, 1), 0xdddddd, { metalness: 1, roughness: 0.15, flatShading: true });
      ball.position.set(0, 4, 0);
      ball.name = 'spin';
      g.add(ball);
      g.add(ring(10, 8, (i) => {
        const pillar = mesh(new THREE.CylinderGeometry(0.15, 0.15, 5, 8), 0x000000, { emissive: [0xff4fd8, 0x4fd8ff, 0x9dff4f][i % 3]!, emissiveIntensity: 1 });
        pillar.position.y = 2.5;
        return pillar;
      }));
      break;
    }
    case 'space': {
      const stars = new THREE.BufferGeometry();
      const pts = new Float32Array(600 * 3);
      for (let i = 0; i < 600; i++) {
        // Fixed pseudo-random directions (a hash of i), so the sky is the same for everyone.
        const u = ((i * 9301 + 49297) % 233280) / 233280;
        const v = ((i * 4253 + 1011) % 7919) / 7919;
        const th = u * Math.PI * 2;
        const ph = Math.acos(2 * v - 1);
        pts.set([80 * Math.sin(ph) * Math.cos(th), Math.abs(80 * Math.cos(ph)), 80 * Math.sin(ph) * Math.sin(th)], i * 3);
      }
      stars.setAttribute('position', new THREE.BufferAttribute(pts, 3));
      g.add(new THREE.Points(stars, new THREE.PointsMaterial({ color: 0xffffff, size: 0.25 })));
      const planet = mesh(new THREE.SphereGeometry(6, 32, 24), 0x6a7cff, { emissive: 0x1a2266 });
      planet.position.set(-20, 14, -40);
      g.add(planet);
      break;
    }
  }
}

/** Builds the theme into `scene`; the returned function animates its moving parts (if any). */
export function buildTheme(scene: THREE.Scene, theme: VrTheme): (t: number) => void {
  const look = LOOKS[theme];
  scene.background = new THREE.Color(look.sky);
  scene.fog = new THREE.Fog(look.fog, 20, 90);
  scene.add(new THREE.HemisphereLight(look.ambient, look.floor, 1.2));
  const sun = new THREE.DirectionalLight(look.sun, 1.2);
  sun.position.set(5, 10, 4);
  scene.add(sun);
  const floor = mesh(new THREE.CircleGeometry(theme === 'beach' ? 60 : 12, 48), look.floor);
  floor.rotation.x = -Math.PI / 2;
  scene.add(floor);
  const stage = mesh(new THREE.CylinderGeometry(1.6, 1.8, 0.3, 32), 0xffffff, { color: new THREE.Color(look.sun).multiplyScalar(0.6) });
  stage.position.set(0, 0.15, -5);
  scene.add(stage);
  const g = new THREE.Group();
  decorate(theme, g);
  scene.add(g);
  const spin = g.getObjectByName('spin');
  return (t) => {
    if (spin) spin.rotation.y = t * 0.0005;
  };
}
