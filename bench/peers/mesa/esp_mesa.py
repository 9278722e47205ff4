"""The esplab model (docs/model.md) written for Mesa, the way an agent-based model is usually
written there: every user is a Mesa Agent, and every day every agent steps (adopters
re-evaluate, non-adopters consider adopting, personal fear decays). The social graph comes from
networkx. It is the peer of the performance comparison in bench/run.py, and is checked against
esplab in distribution (bench/peers/mesa/check.py) so that the comparison is fair.

Differences from esplab's engine, none of which changes the model's distribution:
- considerations are daily Bernoulli draws with the same daily rates, where esplab draws
  innovators in aggregate and schedules imitators in a calendar;
- the Watts-Strogatz graph is networkx's (which avoids double links);
- the random streams are Python's and NumPy's, so single runs differ and only distributions
  can be compared.

Usage: python esp_mesa.py SCENARIO.toml [--seeds 1,2,3] (a resolved scenario.toml written by
`esplab run`); prints one JSON line of summary metrics per seed.
"""

import argparse
import json
import math
import sys
import time
import tomllib

import mesa
import networkx as nx
import numpy as np

MAX_SECURITY = 0.999
JUMP_THRESHOLD = 0.01


class Vendor:
    """One offering's vendor: the ESP rule (docs/model.md section 6)."""

    def __init__(self, security, p):
        self.institutional = security * p["institutional_share"]
        self.discretionary = security - self.institutional
        self.heroic = 0.0
        self.tenure_sum = 0.0
        self.churn = [0.0] * max(1, p["churn_window_days"])
        self.churn_sum = 0.0
        self.cursor = 0

    def security(self):
        return self.institutional + self.discretionary

    def step(self, p, churned, users, pressure, floor):
        self.churn_sum += churned - self.churn[self.cursor]
        self.churn[self.cursor] = churned
        self.cursor = (self.cursor + 1) % len(self.churn)
        lost = max(self.churn_sum, 0.0)
        share = 0.0 if lost <= 0 else lost / (users + lost)
        raised = False
        if share > p["tolerance"]:
            fraction = min(p["raise_gain"] * share / p["tolerance"], p["raise_max"])
            delta = fraction * max(MAX_SECURITY - self.security(), 0.0)
            self.institutional += p["institutional_share"] * delta
            self.discretionary += (1 - p["institutional_share"]) * delta
            self.churn = [0.0] * len(self.churn)
            self.churn_sum = 0.0
            raised = True
        else:
            self.discretionary *= math.exp(-p["erosion"] * pressure)
            self.institutional *= math.exp(-p["institutional_erosion"] * pressure)
        self.hold(floor)
        return raised

    def hold(self, floor):
        lower = min(max(floor, self.heroic), MAX_SECURITY)
        total = self.security()
        if total < lower:
            self.discretionary += lower - total


class User(mesa.Agent):
    """A user: risk-to-value ratio, personal fear, offering, tenure, neighbours."""

    def __init__(self, model, ratio):
        super().__init__(model)
        self.ratio = ratio
        self.fear = 0.0
        self.offering = None
        self.adopted_day = 0
        self.adopting_neighbours = 0
        self.neighbours = []

    def x(self):
        """Risk-to-value ratio now (section 1)."""
        base = self.ratio * (1.0 + self.fear)
        if self.offering is None:
            return base
        m = self.model
        tenure = m.day - self.adopted_day
        return base / (1.0 + m.reliance_max * (1.0 - math.exp(-tenure / m.reliance_days)))

    def decay(self):
        self.fear *= self.model.fear_decay

    def reevaluate(self):
        """Phase 4: an adopter whose ratio exceeds its offering's tolerable ratio leaves."""
        if self.offering is None:
            return
        m = self.model
        j = self.offering
        x = self.x()
        if x <= m.tolerable[j]:
            return
        m.churned[j] += 1
        k = m.best_offering(x, except_=j)
        if k is not None:
            m.vendors[j].tenure_sum -= self.adopted_day
            m.vendors[k].tenure_sum += self.adopted_day
            self.offering = k
        else:
            m.vendors[j].tenure_sum -= self.adopted_day
            self.offering = None
            for other in self.neighbours:
                other.adopting_neighbours -= 1

    def consider_today(self):
        """Phase 5: a non-adopter considers adopting at the innovation plus imitation rate."""
        if self.offering is not None:
            return
        m = self.model
        rate = m.innovation_per_day
        if self.neighbours:
            rate += m.imitation_per_day * self.adopting_neighbours / len(self.neighbours)
        elif m.no_network:
            rate += m.imitation_per_day * m.adoption_share
        if m.random.random() < 1.0 - math.exp(-rate):
            self.consider()

    def consider(self):
        m = self.model
        j = m.best_offering(self.x(), except_=None)
        if j is None:
            return
        self.offering = j
        self.adopted_day = m.day
        m.vendors[j].tenure_sum += m.day
        for other in self.neighbours:
            other.adopting_neighbours += 1


class EspModel(mesa.Model):
    """The market, attention, vendors and regulator around the users."""

    def __init__(self, scenario, seed):
        super().__init__(seed=seed)
        self.np_random = np.random.default_rng(seed)
        p = scenario
        self.p = p
        run, users = p["run"], p["users"]
        self.n = run["users"]
        self.days = max(1, math.ceil(run["years"] * 365))
        self.day = 0
        self.fear_decay = 2 ** (-1 / users["fear_half_life_days"])
        self.reliance_max = users["reliance_max"]
        self.reliance_days = users["reliance_days"]
        self.innovation_per_day = p["adoption"]["innovation"] / 365
        self.imitation_per_day = p["adoption"]["imitation"] / 365
        self.no_network = p["network"]["kind"] == "none"
        self.adoption_share = 0.0
        ln_median = math.log(users["risk_sensitivity_median"] / users["value_median"])
        for _ in range(self.n):
            zv, zk = self.np_random.standard_normal(2)
            User(self, math.exp(ln_median + users["risk_sensitivity_spread"] * zk - users["value_spread"] * zv))
        self.users = list(self.agents)
        self.build_network(p["network"], seed)
        self.offerings = p["offerings"]
        self.vendors = [Vendor(o["security"], p["vendors"]) for o in self.offerings]
        self.fear = 0.0
        self.habituation = 0.0
        self.disclosure = 0.0
        self.tax_factor = 1.0
        self.floor = 0.0
        self.required = 0.0
        self.transition = None
        self.days_above = 0
        self.pending = None
        self.history = []
        self.summary = dict(days=0, baseline_jumps=0, incidents=0, news=0, vendor_raises=0, outcries=0,
                            regulations=0, total_loss=0.0, peak_adoption=0.0, final_adoption=0.0,
                            mean_baseline=0.0, final_baseline=0.0, min_baseline=None, max_baseline=None)
        self.previous_baseline = None
        self.update_terms(self.excitement(0), p["security"]["risk_awareness"], 1.0)
        wanted = min(self.n, round(users["initial_adoption"] * self.n))
        for user in self.random.sample(self.users, wanted):
            user.consider()

    def build_network(self, network, seed):
        if network["kind"] == "none" or network["degree"] == 0:
            return
        if network["kind"] == "barabasi-albert":
            graph = nx.barabasi_albert_graph(self.n, max(1, network["degree"] // 2), seed=seed)
        else:
            graph = nx.watts_strogatz_graph(self.n, network["degree"], network["rewiring"], seed=seed)
        for node, user in enumerate(self.users):
            user.neighbours = [self.users[v] for v in graph.adj[node]]

    # Market (section 2)
    def excitement(self, day):
        e = self.p["excitement"]
        window = max(1, e["momentum_window_days"])
        h = self.history
        growth = 0.0
        if h:
            back = max(0, len(h) - 1 - window)
            growth = (h[-1] - h[back]) * 365 / window
        z = (day - e["hype_peak_day"]) / e["hype_width_days"]
        return e["base"] + e["hype_peak"] * math.exp(-0.5 * z * z) + e["momentum"] * max(growth, 0.0)

    def update_terms(self, excitement, awareness, advocacy):
        tax = self.p["security"]["tax"] * self.tax_factor
        self.terms = []
        for o, v in zip(self.offerings, self.vendors):
            s = v.security()
            c = o["capability"] * (1 + o["capability_growth"]) ** (self.day / 365)
            self.terms.append((c * excitement * (1 - tax * s), (1 - s) * awareness * advocacy))
        self.tolerable = [a / b if b > 0 else math.inf for a, b in self.terms]

    def best_offering(self, x, except_):
        best, best_utility = None, 0.0
        for j, (a, b) in enumerate(self.terms):
            if j == except_:
                continue
            u = a - x * b
            if u > best_utility:
                best, best_utility = j, u
        return best

    def members(self, j):
        return [u for u in self.users if u.offering == j]

    # Incidents and attention (sections 4 and 5)
    def incident(self, records, j):
        p = self.p
        members = self.members(j)
        expected = records * self.n / p["run"]["population"]
        if expected >= len(members):
            harmed = len(members)
        else:
            whole = math.floor(expected)
            harmed = min(len(members), whole + (1 if self.random.random() < expected - whole else 0))
        victims = self.random.sample(members, harmed)
        for victim in victims:
            victim.fear += p["users"]["harm_fear"]
            for other in victim.neighbours:
                other.fear += p["users"]["word_of_mouth_fear"]
        self.summary["incidents"] += 1
        self.summary["total_loss"] += records * p["attack"]["loss_per_record"]
        a = p["attention"]
        excess = math.log10(max(records, 1.0)) - (a["threshold"] + self.habituation - self.disclosure)
        if excess > 0:
            self.fear += a["fear_per_news"] * excess
            self.habituation += a["habituation"]
            self.summary["news"] += 1
        return harmed

    def baseline(self):
        counts = [0] * len(self.vendors)
        for u in self.users:
            if u.offering is not None:
                counts[u.offering] += 1
        total = sum(counts)
        if total:
            b = sum(c * v.security() for c, v in zip(counts, self.vendors)) / total
        else:
            b = sum(v.security() for v in self.vendors) / len(self.vendors)
        return max(b, self.floor), counts

    def step(self):
        p, day = self.p, self.day
        shocks, advocacy = [], 1.0
        names = [o["name"] for o in self.offerings]
        for i in p.get("interventions", []):
            if isinstance(i.get("offering"), str):
                i = dict(i, offering=names.index(i["offering"]))
            start = i.get("day", i.get("start"))
            if start == day:
                if i["kind"] == "shock":
                    shocks.append((i["size"], i.get("offering")))
                elif i["kind"] == "regulation":
                    self.require(i["floor"], day)
                elif i["kind"] == "heroic-vendor":
                    v = self.vendors[i["offering"]]
                    v.heroic = max(v.heroic, i["security"])
                    v.hold(self.floor)
                elif i["kind"] == "cheaper-security":
                    self.tax_factor *= i["tax_factor"]
                elif i["kind"] == "disclosure":
                    self.disclosure += i["threshold_drop"]
            if i["kind"] == "advocacy" and i["start"] <= day < i["end"]:
                advocacy *= 1 + i["strength"]
        a = p["attention"]
        self.fear *= 2 ** (-1 / a["fear_half_life_days"])
        self.habituation *= 2 ** (-1 / a["habituation_half_life_days"])
        self.agents.do("decay")
        excitement = self.excitement(day)
        self.update_terms(excitement, p["security"]["risk_awareness"] + self.fear, advocacy)
        for size, target in shocks:
            if target is None:
                _, counts = self.baseline()
                target = max(range(len(counts)), key=lambda j: (counts[j], -j))
            self.incident(size, target)
        attack = p["attack"]
        _, counts = self.baseline()
        for j, v in enumerate(self.vendors):
            # The offering's users as a share of the population at which the rate holds.
            share = counts[j] / self.n * p["run"]["population"] / attack["reference_population"]
            if share <= 0:
                continue
            rate = attack["rate"] * share ** attack["adoption_elasticity"] * (1 - v.security()) ** attack["security_elasticity"]
            for _ in range(self.np_random.poisson(rate)):
                records = 10 ** (attack["size_log10_mean"] + attack["size_log10_sd"] * self.np_random.standard_normal())
                self.incident(records, j)
        self.update_terms(excitement, p["security"]["risk_awareness"] + self.fear, advocacy)
        self.churned = [0] * len(self.vendors)
        self.agents.do("reevaluate")
        self.agents.do("consider_today")
        _, counts = self.baseline()
        vp = p["vendors"]
        for j, v in enumerate(self.vendors):
            users = counts[j]
            tenure = day - v.tenure_sum / users if users else 0.0
            reliance = self.reliance_max * (1 - math.exp(-tenure / self.reliance_days))
            pressure = max(excitement, 0.0) ** vp["excitement_erosion"] * (1 + vp["reliance_erosion"] * reliance)
            if v.step(vp, self.churned[j], users, pressure, self.floor):
                self.summary["vendor_raises"] += 1
        adoption = sum(counts) / self.n
        self.adoption_share = adoption
        outcry = self.fear * adoption
        baseline, _ = self.baseline()
        self.regulate(day, outcry, baseline)
        self.history.append(adoption)
        baseline, _ = self.baseline()
        self.record(baseline, adoption)
        self.day += 1

    def require(self, level, day):
        """A rule from `day` requiring `level` of the deployments, complied with in a straight
        line over regulator.compliance_days."""
        self.required = max(self.required, min(level, MAX_SECURITY))
        if self.required > self.floor:
            self.transition = (self.floor, day, day + self.p["regulator"]["compliance_days"])
            self.comply(day)

    def comply(self, day):
        if self.transition is None:
            return
        start_floor, start, deadline = self.transition
        if day >= deadline:
            self.floor, self.transition = self.required, None
        else:
            progress = (day - start) / (deadline - start)
            self.floor = max(self.floor, start_floor + (self.required - start_floor) * progress)
        for v in self.vendors:
            v.hold(self.floor)

    def regulate(self, day, outcry, baseline):
        r = self.p["regulator"]
        self.comply(day)
        if self.pending == day:
            self.pending = None
            self.require(min(self.required + r["coverage"] * (1.0 - self.required), MAX_SECURITY), day)
            self.summary["regulations"] += 1
            return
        if not r["enabled"]:
            return
        self.days_above = self.days_above + 1 if outcry > r["outcry_threshold"] else 0
        if self.days_above >= r["outcry_days"] and self.pending is None:
            self.days_above = 0
            self.pending = day + max(1, r["lag_days"])
            self.summary["outcries"] += 1

    def record(self, baseline, adoption):
        s = self.summary
        s["days"] += 1
        if self.previous_baseline is not None and baseline - self.previous_baseline > JUMP_THRESHOLD:
            s["baseline_jumps"] += 1
        self.previous_baseline = baseline
        s["final_baseline"] = baseline
        s["mean_baseline"] += (baseline - s["mean_baseline"]) / s["days"]
        s["min_baseline"] = baseline if s["min_baseline"] is None else min(s["min_baseline"], baseline)
        s["max_baseline"] = baseline if s["max_baseline"] is None else max(s["max_baseline"], baseline)
        s["peak_adoption"] = max(s["peak_adoption"], adoption)
        s["final_adoption"] = adoption

    def run(self):
        while self.day < self.days:
            self.step()
        return self.summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", help="a resolved scenario.toml written by `esplab run`")
    parser.add_argument("--seeds", default="1", help="comma-separated seeds (default 1)")
    args = parser.parse_args()
    with open(args.scenario, "rb") as f:
        scenario = tomllib.load(f)
    for seed in [int(s) for s in args.seeds.split(",")]:
        start = time.perf_counter()
        summary = EspModel(scenario, seed).run()
        summary["seed"] = seed
        summary["seconds"] = time.perf_counter() - start
        print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    sys.exit(main())
