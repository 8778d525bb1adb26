import { labelsFitJob, runnerLabels } from './runner-labels';

describe('runnerLabels: what a registration asks for', () => {
  test.each([
    [[], 'x64', ['self-hosted', 'linux', 'x64']],
    [['small'], 'x64', ['self-hosted', 'linux', 'x64', 'small']],
    [['small'], 'arm64', ['self-hosted', 'linux', 'arm64', 'small']],
    [['self-hosted', 'small'], 'x64', ['self-hosted', 'linux', 'x64', 'small']],
    [['Self-Hosted', 'Linux', 'X64', 'GPU'], 'x64', ['self-hosted', 'linux', 'x64', 'GPU']],
    [['gpu', 'GPU', 'Gpu'], 'x64', ['self-hosted', 'linux', 'x64', 'gpu']],
    [['ARM64'], 'arm64', ['self-hosted', 'linux', 'arm64']],
  ])('%j on %s → %j', (flavorLabels, architecture, expected) => {
    expect(runnerLabels(flavorLabels, architecture)).toEqual(expected);
  });
});

describe('labelsFitJob: GitHub’s matching, every job label carried, ignoring case', () => {
  const small = runnerLabels(['small'], 'x64');
  test.each([
    [small, ['self-hosted', 'linux', 'small'], true],
    [small, ['SELF-HOSTED', 'Linux', 'X64', 'Small'], true],
    [small, ['self-hosted'], true],
    [small, [], true],
    [small, ['self-hosted', 'large'], false],
    [small, ['self-hosted', 'arm64'], false],
    [small, ['ubuntu-latest'], false],
    [['small'], ['self-hosted', 'small'], false],
  ])('%j takes %j → %s', (labels, jobLabels, expected) => {
    expect(labelsFitJob(labels, jobLabels)).toBe(expected);
  });
});
