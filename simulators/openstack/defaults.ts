import type { SimUser } from './types';

/** What a simulator started without options serves: one user, two images, three flavors, one network. */

export const DEFAULT_USERS: SimUser[] = [
  {
    name: 'autoscaler',
    password: 'simulated-password',
    domain: 'Default',
    project: 'runners',
    applicationCredentials: [{ name: 'autoscaler-app', secret: 'simulated-app-secret' }],
  },
];
export const DEFAULT_IMAGES = [
  { id: '6d1f6c83-5a4c-4f8e-9b7e-0c2d1e5f3a01', name: 'ubuntu-24.04' },
  { id: '0b9a4f52-8e0f-4d3b-a1c6-7f5e2d4c9b02', name: 'ubuntu-22.04' },
];
export const DEFAULT_FLAVORS = [
  { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
  { id: '4', name: 'm1.large', vcpus: 4, ram: 8192, disk: 80 },
  { id: 'b7a3e1f0-3c2d-4e5f-8a9b-1c2d3e4f5a03', name: 'runner.xlarge', vcpus: 8, ram: 16384, disk: 160 },
];
export const DEFAULT_NETWORKS = [{ id: '2f0c7c1e-6b5a-4d3c-9e8f-7a6b5c4d3e04', name: 'runners-net' }];
export const REGION = 'RegionOne';
