"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import type { PoolPage, PoolPlayer } from "@/lib/pool/answer";
import { poolSearchLengthMax } from "@/lib/pool/answer";
import { countryNames, type CountryCode } from "@/lib/profile/countries";
import { platformLabels, platforms, positionLabels, positions } from "@/lib/profile/schema";
import { ActionStatus } from "../teams/action-status";
import { Avatar } from "../ui/avatar";
import { inputClass } from "../ui/field";
import { ScrollBox } from "../ui/scroll-box";
import { Skeleton } from "../ui/skeleton";
import { primaryButtonClass, secondaryButtonClass, smallSecondaryButtonClass } from "../ui/styles";
import { fetchPool, poolQueryKey, type PoolFilters } from "./pool-client";
import { usePoolAction } from "./use-pool-action";

const countryOptions = Object.entries(countryNames) as [CountryCode, string][];
const noFilters: PoolFilters = { page: 1, platform: "", position: "", country: "", q: "" };

/** Platform, position and country pickers and the search box; the search applies on submit, pickers at once. */
function Filters({ filters, onChange }: { filters: PoolFilters; onChange: (next: PoolFilters) => void }) {
  const id = useId();
  const [search, setSearch] = useState(filters.q);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...filters, q: search.trim(), page: 1 });
  };
  const pick = (key: "platform" | "position" | "country", value: string) => onChange({ ...filters, [key]: value, page: 1 });
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" aria-label="Filter the pool">
      <div className="flex flex-col gap-1 sm:col-span-2 lg:col-span-4">
        <label htmlFor={`${id}-q`} className="font-medium text-slate-900">
          Search by gamer tag or name
        </label>
        <div className="flex gap-2">
          <input id={`${id}-q`} type="search" maxLength={poolSearchLengthMax} value={search} onChange={(event) => setSearch(event.target.value)} className={inputClass} />
          <button type="submit" className={secondaryButtonClass}>
            Search
          </button>
        </div>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-platform`} className="font-medium text-slate-900">
          Platform
        </label>
        <select id={`${id}-platform`} value={filters.platform} onChange={(event) => pick("platform", event.target.value)} className={inputClass}>
          <option value="">Any platform</option>
          {platforms.map((platform) => (
            <option key={platform} value={platform}>
              {platformLabels[platform]}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-position`} className="font-medium text-slate-900">
          Position
        </label>
        <select id={`${id}-position`} value={filters.position} onChange={(event) => pick("position", event.target.value)} className={inputClass}>
          <option value="">Any position</option>
          {positions.map((position) => (
            <option key={position} value={position}>
              {positionLabels[position]}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-country`} className="font-medium text-slate-900">
          Country
        </label>
        <select id={`${id}-country`} value={filters.country} onChange={(event) => pick("country", event.target.value)} className={inputClass}>
          <option value="">Any country</option>
          {countryOptions.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <div className="flex items-end">
        <button
          type="button"
          className={secondaryButtonClass}
          onClick={() => {
            setSearch("");
            onChange(noFilters);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

function PlayerRow({ player, data, action }: { player: PoolPlayer; data: PoolPage; action: ReturnType<typeof usePoolAction> }) {
  const team = data.offeringTeam;
  return (
    <tr data-player={player.gamerTag}>
      <td className="py-2 pr-3 font-semibold">{player.gamerTag}</td>
      <td className="py-2 pr-3">
        <span className="flex items-center gap-2">
          <Avatar src={player.avatarUrl} size={24} />
          {player.name}
        </span>
      </td>
      <td className="py-2 pr-3">{platformLabels[player.platform]}</td>
      <td className="py-2 pr-3">{positionLabels[player.position]}</td>
      <td className="py-2 pr-3">{countryNames[player.country]}</td>
      {team && (
        <td className="py-2">
          {player.offered ? (
            <span className="inline-flex items-center gap-2">
              <span className="text-slate-600">Offered</span>
              <button
                type="button"
                className={smallSecondaryButtonClass}
                disabled={action.pending}
                onClick={() => action.run({ kind: "withdraw-offer", teamId: team.id, userId: player.userId })}
                aria-label={`Withdraw the offer to ${player.gamerTag}`}
              >
                Withdraw
              </button>
            </span>
          ) : (
            <button
              type="button"
              className={smallSecondaryButtonClass}
              disabled={action.pending}
              onClick={() => action.run({ kind: "offer", teamId: team.id, userId: player.userId })}
              aria-label={`Offer a place to ${player.gamerTag}`}
            >
              Offer a place
            </button>
          )}
        </td>
      )}
    </tr>
  );
}

/** The free-agent pool: filters, search, a page of players, and, for a manager, "offer a place". */
export function PoolBrowser() {
  const [filters, setFilters] = useState<PoolFilters>(noFilters);
  const pool = useQuery({ queryKey: [...poolQueryKey, filters], queryFn: ({ signal }) => fetchPool(filters, signal), placeholderData: keepPreviousData, staleTime: 15_000 });
  const action = usePoolAction();
  const data = pool.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <div className="flex flex-col gap-4">
      <Filters filters={filters} onChange={setFilters} />
      {data?.offeringTeam && (
        <p className="text-sm text-slate-700">
          You manage{" "}
          <Link href={`/teams/${data.offeringTeam.id}`} className="font-semibold underline">
            {data.offeringTeam.name}
          </Link>
          : offer a place to any player below. They accept or decline on their dashboard.
        </p>
      )}
      {pool.isPending && <Skeleton label="Loading the pool…" lines={4} />}
      {pool.isError && (
        <p role="alert" className="text-sm text-red-700">
          {pool.error.message}
        </p>
      )}
      {data && (
        <>
          <p className="text-sm text-slate-600" aria-live="polite">
            {data.total === 1 ? "1 player" : `${data.total} players`} looking for a team{filters.q || filters.platform || filters.position || filters.country ? " match" : ""}.
          </p>
          {data.players.length > 0 && (
            <ScrollBox label="Free agents, scrolls sideways">
              <table className="w-full text-left text-sm" aria-label="Free agents">
                <thead className="text-slate-600">
                  <tr>
                    <th scope="col" className="py-1 pr-3 font-medium">Gamer tag</th>
                    <th scope="col" className="py-1 pr-3 font-medium">Name</th>
                    <th scope="col" className="py-1 pr-3 font-medium">Platform</th>
                    <th scope="col" className="py-1 pr-3 font-medium">Position</th>
                    <th scope="col" className="py-1 pr-3 font-medium">Country</th>
                    {data.offeringTeam && <th scope="col" className="py-1 font-medium">Offer</th>}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200 text-slate-900">
                  {data.players.map((player) => (
                    <PlayerRow key={player.userId} player={player} data={data} action={action} />
                  ))}
                </tbody>
              </table>
            </ScrollBox>
          )}
          <nav className="flex items-center gap-3" aria-label="Pages">
            <button type="button" className={secondaryButtonClass} disabled={filters.page <= 1} onClick={() => setFilters({ ...filters, page: filters.page - 1 })}>
              Previous
            </button>
            <span className="text-sm text-slate-700">
              Page {data.page} of {pages}
            </span>
            <button type="button" className={primaryButtonClass} disabled={filters.page >= pages} onClick={() => setFilters({ ...filters, page: filters.page + 1 })}>
              Next
            </button>
          </nav>
        </>
      )}
      <ActionStatus pending={action.pending} error={action.error} result={action.result} />
    </div>
  );
}
