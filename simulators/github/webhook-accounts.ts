import { createHash } from 'node:crypto';

/**
 * The repository, organisation and user objects of a webhook payload, in the shape GitHub sends them
 * (and @octokit/webhooks-schemas describes: every required field, no other). API URLs are the
 * simulator's own; web URLs are github.com's, as GitHub writes them.
 */

/** A small stable id for a name, as GitHub's numeric ids of repositories and accounts. */
const idOf = (name: string) => createHash('sha256').update(name.toLowerCase()).digest().readUInt32BE(0);
const nodeId = (kind: string, id: number) => Buffer.from(`${kind}${id}`).toString('base64');
const avatar = (id: number) => `https://avatars.githubusercontent.com/u/${id}?v=4`;

export function userJson(login: string, type: 'User' | 'Organization' | 'Bot', apiBase: string) {
  const id = idOf(login);
  const api = `${apiBase}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId(type === 'Organization' ? '012:Organization' : '04:User', id),
    avatar_url: avatar(id),
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    site_admin: false,
  };
}

export function organizationJson(login: string, apiBase: string) {
  const id = idOf(login);
  const api = `${apiBase}/orgs/${login}`;
  return {
    login,
    id,
    node_id: nodeId('012:Organization', id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: avatar(id),
    description: null,
  };
}

/** The repository `owner/repo`, last pushed to at `pushedAt` (the job's run). */
export function repositoryJson(owner: string, repo: string, apiBase: string, pushedAt: string) {
  const fullName = `${owner}/${repo}`;
  const id = idOf(fullName);
  const api = `${apiBase}/repos/${fullName}`;
  return {
    id,
    node_id: nodeId('010:Repository', id),
    name: repo,
    full_name: fullName,
    private: true,
    owner: userJson(owner, 'Organization', apiBase),
    html_url: `https://github.com/${fullName}`,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: '2021-06-11T13:29:13Z',
    updated_at: pushedAt,
    pushed_at: pushedAt,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `https://github.com/${fullName}.git`,
    svn_url: `https://github.com/${fullName}`,
    homepage: null,
    size: 1,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: false,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: 'private',
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: 'main',
    custom_properties: {},
  };
}
